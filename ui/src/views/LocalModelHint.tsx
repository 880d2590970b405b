import { useEffect, useState } from "react";
import { defaultModel } from "../forms/localModel";
import { listModels } from "../ipc";

/** On a fresh install with no provider set up: says that Hearth can answer anyway, with the small
 * model that runs on this computer, and what that model is. */
export function LocalModelHint() {
  const [model, setModel] = useState("");
  useEffect(() => {
    listModels().then((groups) => setModel(defaultModel(groups)), () => undefined);
  }, []);
  if (!model) return null;
  return (
    <p className="muted" data-testid="local-model-hint">
      No account needed: a new assistant starts on <code>{model}</code>, a small model that runs on this computer,
      offline. It is quick but often wrong; add a bigger model or a provider in Settings for better answers.
    </p>
  );
}
