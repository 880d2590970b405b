import { ConfirmButton } from "../components/ConfirmButton";
import { ErrorNotice } from "../components/ErrorNotice";
import { whatVanished } from "../errors";
import { useAssistantEditor } from "../forms/useAssistantEditor";
import type { Assistant } from "../ipc";
import { AssistantBasics } from "./AssistantBasics";
import { AssistantFiles } from "./AssistantFiles";
import { AssistantOptions } from "./AssistantOptions";
import { AssistantTools } from "./AssistantTools";

interface AssistantEditorProps {
  assistant: Assistant | null;
  offline: boolean;
  onSaved: (assistant: Assistant) => void;
  onDeleted: () => void;
  onDuplicated: (copy: Assistant) => void;
}

/** Create or edit an assistant: every field of the API, checked as you go. */
export function AssistantEditor({ assistant: opened, offline, ...events }: AssistantEditorProps) {
  const editor = useAssistantEditor(opened, events);
  const { assistant, form, errors, set, failure } = editor;
  const vanished = failure && whatVanished(failure);

  return (
    <section className="main-panel editor" data-testid="assistant-editor" aria-label="Assistant">
      <header className="editor-head">
        <h1>{assistant ? (assistant.name ?? "Untitled assistant") : "New assistant"}</h1>
        {assistant && (
          <div className="editor-actions">
            <button type="button" onClick={() => void editor.duplicate()} disabled={offline} data-testid="duplicate-assistant">
              Duplicate
            </button>
            <ConfirmButton
              label="Delete"
              confirmLabel="Delete assistant"
              question="Delete this assistant? Its threads stay."
              testId="delete-assistant"
              onConfirm={editor.remove}
            />
          </div>
        )}
      </header>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void editor.save();
        }}
      >
        <AssistantBasics form={form} errors={errors} set={set} models={editor.models} />
        <AssistantTools form={form} errors={errors} set={set} />
        <AssistantFiles assistant={assistant} offline={offline} />
        <AssistantOptions form={form} errors={errors} set={set} />

        {failure && <ErrorNotice error={vanished ? { ...failure, message: vanished } : failure} />}
        <div className="form-actions">
          {editor.saved && <span className="muted" data-testid="saved-note">Saved.</span>}
          <button type="submit" className="primary" disabled={editor.saving || offline} title={offline ? "Saving needs the server" : undefined} data-testid="save-assistant">
            {assistant ? "Save changes" : "Create assistant"}
          </button>
        </div>
      </form>
    </section>
  );
}
