import type { Annotation, Message, MessageContent as Part } from "../ipc";
import { knownAnnotation, knownContent } from "../threads/content";
import { Markdown } from "./Markdown";

/** What stands in for a part or annotation of a kind this version cannot show. */
function NotShown({ kind }: { kind: string }) {
  return (
    <p className="muted content-note" title={`Content of type “${kind}”`}>
      This content is not shown
    </p>
  );
}

function Annotations({ annotations }: { annotations: Annotation[] }) {
  if (annotations.length === 0) return null;
  return (
    <ol className="annotations" aria-label="Sources">
      {annotations.map((annotation, index) => {
        const known = knownAnnotation(annotation);
        if (!known) return <li key={index}><NotShown kind={annotation.type} /></li>;
        const fileId = known.type === "file_citation" ? known.file_citation.file_id : known.file_path.file_id;
        return (
          <li key={index}>
            <code>{known.text}</code> {known.type === "file_citation" ? "cites" : "is"} file <code>{fileId}</code>
          </li>
        );
      })}
    </ol>
  );
}

/** One part. Model text becomes HTML only through the Markdown sanitizer; every other string is a text node. */
function ContentPart({ part, plain }: { part: Part; plain: boolean }) {
  const known = knownContent(part);
  if (!known) return <NotShown kind={part.type} />;
  switch (known.type) {
    case "text":
      return (
        <>
          {plain ? <div className="plain-text">{known.text.value}</div> : <Markdown source={known.text.value} />}
          <Annotations annotations={known.text.annotations} />
        </>
      );
    case "image_file":
      return <p className="muted content-note">Image file {known.image_file.file_id}</p>;
    case "image_url":
      return <p className="muted content-note">Image at {known.image_url.url}</p>;
    case "refusal":
      return (
        <div className="refusal" data-testid="refusal">
          <Markdown source={known.refusal} />
        </div>
      );
  }
}

/** A message's parts in order: the person's own words as plain text, the assistant's as Markdown. */
export function MessageContent({ message }: { message: Message }) {
  const plain = message.role === "user";
  // An answer that has not started yet still has its (empty) text block, where the first words appear.
  if (message.content.length === 0) return plain ? <div className="plain-text" /> : <Markdown source="" />;
  return message.content.map((part, index) => <ContentPart key={index} part={part} plain={plain} />);
}
