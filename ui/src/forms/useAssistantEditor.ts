import { useEffect, useState } from "react";
import { invalidParameter, reportFailure } from "../errors";
import { createAssistant, deleteAssistant, listModels, modifyAssistant, type AppError, type Assistant, type ModelGroup } from "../ipc";
import { emptyForm, fieldOfParameter, formFrom, toBody, validate, type AssistantForm, type FormErrors } from "./assistantForm";
import { defaultModel } from "./localModel";

/** Changes one field of the form. */
export type SetField = <K extends keyof AssistantForm>(key: K, value: AssistantForm[K]) => void;

interface EditorEvents {
  onSaved: (assistant: Assistant) => void;
  onDeleted: () => void;
  onDuplicated: (copy: Assistant) => void;
}

/** The assistant editor's state: the form, its checks, the model list, and save, duplicate, delete. */
export function useAssistantEditor(opened: Assistant | null, { onSaved, onDeleted, onDuplicated }: EditorEvents) {
  // The assistant as last saved here: a new one becomes an edit of itself once created.
  const [assistant, setAssistant] = useState<Assistant | null>(opened);
  const [form, setForm] = useState<AssistantForm>(() => (assistant ? formFrom(assistant) : emptyForm()));
  const [touched, setTouched] = useState(false);
  const [saving, setSaving] = useState(false);
  const [failure, setFailure] = useState<AppError | null>(null);
  // What the core refused, by form field, until that form is changed.
  const [refused, setRefused] = useState<FormErrors>({});
  const [saved, setSaved] = useState(false);
  const [models, setModels] = useState<ModelGroup[]>([]);

  useEffect(() => {
    listModels().then((groups) => {
      setModels(groups);
      // A new assistant on a fresh install starts on the model that runs here.
      if (!opened) setForm((current) => (current.model ? current : { ...current, model: defaultModel(groups) }));
    }, () => undefined);
  }, [opened]);

  const errors: FormErrors = { ...refused, ...(touched ? validate(form) : {}) };
  const set: SetField = (key, value) => {
    setForm((current) => ({ ...current, [key]: value }));
    setSaved(false);
    setRefused({});
  };

  // An `invalid` error that names a field is shown under it; anything else above the buttons.
  const fail = (error: unknown) => {
    const appError = reportFailure(error);
    const field = fieldOfParameter(form, invalidParameter(appError));
    if (field) setRefused({ [field]: appError.message });
    else setFailure(appError);
  };

  const save = async () => {
    setTouched(true);
    if (Object.keys(validate(form)).length > 0) return;
    setSaving(true);
    setFailure(null);
    setRefused({});
    try {
      const body = toBody(form);
      const result = assistant ? await modifyAssistant(assistant.id, body) : await createAssistant(body);
      setSaved(true);
      setAssistant(result);
      onSaved(result);
    } catch (error) {
      fail(error);
    } finally {
      setSaving(false);
    }
  };

  const duplicate = async () => {
    if (!assistant) return;
    try {
      onDuplicated(await createAssistant({ ...toBody(formFrom(assistant)), name: `${assistant.name ?? "Assistant"} (copy)` }));
    } catch (error) {
      fail(error);
    }
  };

  const remove = () => {
    if (assistant) deleteAssistant(assistant.id).then(onDeleted, (error: unknown) => setFailure(reportFailure(error)));
  };

  return { assistant, form, set, errors, models, saving, saved, failure, save, duplicate, remove };
}
