import { describe, expect, it } from "vitest";
import { emptyForm } from "./assistantForm";
import { defaultModel, isLocalModel, localModelLimits } from "./localModel";

const local = { provider: "local", models: ["SmolLM2-135M-Instruct.Q4_1"], error: null };

describe("defaultModel", () => {
  it("is the local model when no other provider offers one", () => {
    expect(defaultModel([local])).toBe("SmolLM2-135M-Instruct.Q4_1");
    expect(defaultModel([local, { provider: "openai", models: [], error: "No key" }])).toBe("SmolLM2-135M-Instruct.Q4_1");
  });

  it("is left to the person once a provider is set up, or when there is no local model", () => {
    expect(defaultModel([local, { provider: "openai", models: ["gpt-4o"], error: null }])).toBe("");
    expect(defaultModel([])).toBe("");
  });
});

describe("localModelLimits", () => {
  it("names what a local model cannot do", () => {
    expect(localModelLimits(emptyForm())).toBeNull();
    const withFunction = { ...emptyForm(), functions: [{ json: "{}" }] };
    expect(localModelLimits(withFunction)).toMatch(/cannot call functions/);
    const both = { ...withFunction, responseFormat: "json_schema" as const };
    expect(localModelLimits(both)).toMatch(/cannot call functions or follow a JSON response format/);
  });

  it("knows the local models by name", () => {
    expect(isLocalModel([local], " SmolLM2-135M-Instruct.Q4_1 ")).toBe(true);
    expect(isLocalModel([local], "gpt-4o")).toBe(false);
  });
});
