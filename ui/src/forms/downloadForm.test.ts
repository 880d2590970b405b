import { describe, expect, it } from "vitest";
import { fileNameFromUrl, hostNeedingHttpPermission, validateDownload } from "./downloadForm";

const good = {
  url: "https://example.com/models/tiny.Q4.gguf",
  fileName: "tiny.Q4.gguf",
  sha256: "",
};

describe("validateDownload", () => {
  it("accepts a web address, a .gguf name and an optional digest", () => {
    expect(validateDownload(good)).toEqual({});
    expect(validateDownload({ ...good, sha256: "AB".repeat(32) })).toEqual({});
  });

  it("names the rule each bad field breaks", () => {
    expect(validateDownload({ ...good, url: "ftp://example.com/a.gguf" }).url).toMatch(/http/);
    expect(validateDownload({ ...good, url: "not a url" }).url).toMatch(/http/);
    expect(validateDownload({ ...good, fileName: "model.bin" }).fileName).toMatch(/\.gguf/);
    expect(validateDownload({ ...good, fileName: "../up.gguf" }).fileName).toMatch(/folder/);
    expect(validateDownload({ ...good, sha256: "abc" }).sha256).toMatch(/64 hexadecimal/);
  });
});

describe("fileNameFromUrl", () => {
  it("takes a .gguf file name from the address, and nothing else", () => {
    expect(fileNameFromUrl("https://host/a/b/Model%20X.Q4_K_M.gguf?download=1")).toBe("Model X.Q4_K_M.gguf");
    expect(fileNameFromUrl("https://host/a/b/")).toBe("");
    expect(fileNameFromUrl("nonsense")).toBe("");
  });
});

describe("hostNeedingHttpPermission", () => {
  it("names the host of a plain http address that leaves this computer", () => {
    expect(hostNeedingHttpPermission("http://Mirror.example:8080/m.gguf")).toBe("mirror.example");
    expect(hostNeedingHttpPermission(" http://10.0.0.5/m.gguf ")).toBe("10.0.0.5");
  });

  it("asks nothing for https, this computer, or what is no address", () => {
    for (const url of ["https://example.com/m.gguf", "http://127.0.0.1:9000/m.gguf", "http://localhost/m.gguf", "http://[::1]/m.gguf", "nonsense"]) {
      expect(hostNeedingHttpPermission(url)).toBeNull();
    }
  });
});
