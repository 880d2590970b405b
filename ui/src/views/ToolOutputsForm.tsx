import { useState } from "react";
import type { RunToolCall, ToolOutput } from "../ipc";

/** Pretty-prints JSON text; text that is not JSON is shown as it is. */
export function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

interface ToolOutputsFormProps {
  calls: RunToolCall[];
  onSubmit: (outputs: ToolOutput[]) => void;
  disabled: boolean;
}

/** The function calls a run waits on: name, arguments, and an output editor for each. */
export function ToolOutputsForm({ calls, onSubmit, disabled }: ToolOutputsFormProps) {
  const [outputs, setOutputs] = useState<Record<string, string>>({});
  const missing = calls.filter((call) => !(outputs[call.id] ?? "").trim());
  return (
    <form
      className="tool-outputs"
      data-testid="tool-outputs"
      onSubmit={(event) => {
        event.preventDefault();
        if (missing.length > 0) return;
        onSubmit(calls.map((call) => ({ tool_call_id: call.id, output: outputs[call.id] ?? "" })));
      }}
    >
      <h2>The assistant called {calls.length === 1 ? "a function" : `${calls.length} functions`}</h2>
      {calls.map((call) => (
        <div className="tool-call" key={call.id}>
          <div>
            <code className="fn-name">{call.function.name}</code> <span className="muted small-text">{call.id}</span>
          </div>
          <pre className="arguments">{prettyJson(call.function.arguments)}</pre>
          <label>
            Output
            <textarea
              rows={3}
              value={outputs[call.id] ?? ""}
              onChange={(event) => setOutputs({ ...outputs, [call.id]: event.target.value })}
              placeholder='What the function returned, e.g. {"temperature": 21}'
              data-testid="tool-output"
            />
          </label>
        </div>
      ))}
      <div className="form-actions">
        {missing.length > 0 && <span className="muted">Give every call an output to continue.</span>}
        <button type="submit" className="primary" disabled={disabled || missing.length > 0} data-testid="submit-outputs">
          Submit outputs
        </button>
      </div>
    </form>
  );
}
