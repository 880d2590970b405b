import type { ModelGroup } from "../ipc";
import type { AssistantForm } from "./assistantForm";

/** The provider name of the models that run on this computer. */
const LOCAL = "local";

/** The model a new assistant starts with: with no other provider set up, a local one (so a fresh
 * install answers without any account); otherwise none, and the person picks. */
export function defaultModel(groups: ModelGroup[]): string {
  const others = groups.some((group) => group.provider !== LOCAL && group.models.length > 0);
  if (others) return "";
  return groups.find((group) => group.provider === LOCAL)?.models[0] ?? "";
}

/** Whether `model` is one of the local models. */
export function isLocalModel(groups: ModelGroup[], model: string): boolean {
  return groups.some((group) => group.provider === LOCAL && group.models.includes(model.trim()));
}

/** What a local model cannot do that this assistant asks for, or `null`. */
export function localModelLimits(form: AssistantForm): string | null {
  const asks: string[] = [];
  if (form.functions.length > 0) asks.push("call functions");
  if (form.responseFormat === "json_object" || form.responseFormat === "json_schema") asks.push("follow a JSON response format");
  if (asks.length === 0) return null;
  return `This model runs on this computer and cannot ${asks.join(" or ")}: a run of this assistant would fail with an error saying so. Remove ${asks.length > 1 ? "them" : "it"} or pick a provider's model.`;
}
