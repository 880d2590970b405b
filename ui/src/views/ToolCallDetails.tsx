import hljs from "highlight.js/lib/common";
import { useMemo } from "react";
import { FileImage } from "../components/FileImage";
import type { KnownToolCall } from "../ipc";
import { resultText } from "../threads/citations";
import { knownCodeOutput } from "../threads/content";
import { prettyJson } from "./ToolOutputsForm";

type CodeCall = Extract<KnownToolCall, { type: "code_interpreter" }>;
type SearchCall = Extract<KnownToolCall, { type: "file_search" }>;

/** Python as highlighted HTML; highlight.js escapes everything it does not mark up. */
function PythonCode({ code }: { code: string }) {
  const html = useMemo(() => hljs.highlight(code, { language: "python", ignoreIllegals: true }).value, [code]);
  return (
    <pre className="code-input">
      <code className="hljs language-python" dangerouslySetInnerHTML={{ __html: html }} />
    </pre>
  );
}

/** A code_interpreter call: the code, what it printed, the images it drew. */
function CodeInterpreterDetails({ call }: { call: CodeCall }) {
  const { input, outputs } = call.code_interpreter;
  const imageNumber = (index: number) => outputs.slice(0, index + 1).filter((o) => o.type === "image").length;
  return (
    <div className="tool-call" data-testid="code-call">
      <code className="fn-name">code_interpreter</code>
      <div className="muted small-text">Code</div>
      {input ? <PythonCode code={input} /> : <p className="muted small-text">(none yet)</p>}
      {outputs.map((output, index) => {
        const known = knownCodeOutput(output);
        if (known?.type === "logs") {
          return (
            <div key={index}>
              <div className="muted small-text">Output</div>
              <pre className="code-logs">{known.logs}</pre>
            </div>
          );
        }
        if (known?.type === "image") {
          return <FileImage key={index} fileId={known.image.file_id} label={`Image ${imageNumber(index)} of the call`} />;
        }
        return (
          <p key={index} className="muted small-text">
            An output of type “{output.type}” is not shown
          </p>
        );
      })}
    </div>
  );
}

/** A file_search call: each passage found, with its file and score. */
function FileSearchDetails({ call }: { call: SearchCall }) {
  const results = call.file_search.results ?? [];
  return (
    <div className="tool-call" data-testid="search-call">
      <code className="fn-name">file_search</code>
      {results.length === 0 && <p className="muted small-text">No passages found.</p>}
      <ol className="search-results">
        {results.map((result, index) => (
          <li key={index} data-testid="search-result">
            <div>
              <strong>{result.file_name}</strong>{" "}
              <span className="muted small-text">score {result.score?.toFixed(2) ?? "not given"}</span>
            </div>
            <blockquote className="cited-passage">{resultText(result) ?? "(text not kept)"}</blockquote>
          </li>
        ))}
      </ol>
    </div>
  );
}

/** A tool call of a run step, as much as this version knows how to show. */
export function ToolCallDetails({ call }: { call: KnownToolCall }) {
  switch (call.type) {
    case "function":
      return (
        <div className="tool-call">
          <code className="fn-name">{call.function.name}</code>
          <div className="muted small-text">Arguments</div>
          <pre>{prettyJson(call.function.arguments)}</pre>
          <div className="muted small-text">Output</div>
          <pre>{call.function.output == null ? "(none yet)" : prettyJson(call.function.output)}</pre>
        </div>
      );
    case "code_interpreter":
      return <CodeInterpreterDetails call={call} />;
    case "file_search":
      return <FileSearchDetails call={call} />;
  }
}
