import { describe, expect, it } from "vitest";
import type { Assistant } from "../ipc";
import { STARTER_FUNCTION, emptyForm, fieldOfParameter, formFrom, toBody, validate, type AssistantForm } from "./assistantForm";

const valid = (): AssistantForm => ({ ...emptyForm(), name: "Helper", model: "gpt-4o-mini" });

describe("assistant form", () => {
  it("accepts a minimal assistant and the starter function", () => {
    expect(validate(valid())).toEqual({});
    expect(validate({ ...valid(), functions: [{ json: STARTER_FUNCTION }] })).toEqual({});
  });

  it("names the rule each bad field breaks", () => {
    const errors = validate({
      ...valid(),
      model: " ",
      temperature: "3",
      topP: "x",
      functions: [
        { json: "{ nope" },
        { json: JSON.stringify({ name: "has space" }) },
        { json: JSON.stringify({ name: "ok", parameters: { type: "object", properties: { a: { type: "strng" } } } }) },
        { json: JSON.stringify({ name: "req", parameters: { type: "object", properties: {}, required: ["city"] } }) },
      ],
      metadata: [{ key: "", value: "v" }],
    });
    expect(errors.model).toMatch(/model/);
    expect(errors.temperature).toBe("Temperature must be a number from 0 to 2.");
    expect(errors.topP).toBe("Top P must be a number from 0 to 1.");
    expect(errors.function0).toMatch(/^Not valid JSON/);
    expect(errors.function1).toMatch(/letters, digits/);
    expect(errors.function2).toMatch(/"strng" is not one of/);
    expect(errors.function3).toMatch(/"city", which is not in "properties"/);
    expect(errors.metadata).toMatch(/needs a key/);
  });

  it("turns into the API's request body and back", () => {
    const form: AssistantForm = {
      ...valid(),
      instructions: "Be brief.",
      fileSearch: true,
      functions: [{ json: STARTER_FUNCTION }],
      temperature: "0.5",
      responseFormat: "json_schema",
      schemaName: "answer",
      schemaJson: '{"type":"object"}',
      metadata: [{ key: "team", value: "docs" }],
    };
    const body = toBody(form);
    expect(body).toMatchObject({
      name: "Helper",
      model: "gpt-4o-mini",
      temperature: 0.5,
      top_p: null,
      metadata: { team: "docs" },
      response_format: { type: "json_schema", json_schema: { name: "answer", schema: { type: "object" } } },
    });
    const back = formFrom({ id: "asst_1", created_at: 0, description: null, ...body } as unknown as Assistant);
    expect(back.fileSearch).toBe(true);
    expect(back.functions).toHaveLength(1);
    expect(back.metadata).toEqual([{ key: "team", value: "docs" }]);
  });
});

describe("fieldOfParameter", () => {
  it("puts a parameter the core refuses under the field that holds it", () => {
    const form = { ...valid(), fileSearch: true, functions: [{ json: STARTER_FUNCTION }, { json: STARTER_FUNCTION }] };
    expect(fieldOfParameter(form, "top_p")).toBe("topP");
    expect(fieldOfParameter(form, "temperature")).toBe("temperature");
    expect(fieldOfParameter(form, "metadata.key")).toBe("metadata");
    // file_search is tools[0], so tools[2] is the second function.
    expect(fieldOfParameter(form, "tools[2].function.name")).toBe("function1");
    expect(fieldOfParameter(form, "tools[0]")).toBeNull();
    expect(fieldOfParameter(form, "response_format")).toBeNull();
    expect(fieldOfParameter({ ...form, responseFormat: "json_schema" }, "response_format.json_schema.schema")).toBe("schemaJson");
    expect(fieldOfParameter(form, null)).toBeNull();
  });
});
