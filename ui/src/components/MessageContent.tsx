import { useMemo, useState } from "react";
import type { Annotation, Message, MessageContent as Part, TextPart } from "../ipc";
import { prepareText, type Citation } from "../threads/citations";
import { knownAnnotation, knownContent } from "../threads/content";
import { CitationPanel } from "./CitationPanel";
import { FileChip } from "./FileChip";
import { FileImage } from "./FileImage";
import { Markdown } from "./Markdown";

/** What stands in for a part or annotation of a kind this version cannot show. */
function NotShown({ kind }: { kind: string }) {
  return (
    <p className="muted content-note" title={`Content of type “${kind}”`}>
      This content is not shown
    </p>
  );
}

/** Annotations of kinds this version does not know; citations and file links are shown in the text. */
function UnknownAnnotations({ annotations }: { annotations: Annotation[] }) {
  const unknown = annotations.filter((annotation) => knownAnnotation(annotation) === null);
  return unknown.map((annotation, index) => <NotShown key={index} kind={annotation.type} />);
}

/** An answer's text: Markdown with numbered citations that open their passage, then its files. */
function AnswerText({ message, part }: { message: Message; part: TextPart }) {
  const { value, annotations } = part.text;
  const prepared = useMemo(() => prepareText(value, annotations), [value, annotations]);
  const [open, setOpen] = useState<Citation | null>(null);
  const onCitation = (number: number) => setOpen(prepared.citations[number - 1] ?? null);
  return (
    <>
      <Markdown source={prepared.source} onCitation={onCitation} />
      {prepared.files.length > 0 && (
        <div className="file-chips">
          {prepared.files.map((file) => (
            <FileChip key={file.fileId} fileId={file.fileId} name={file.name} />
          ))}
        </div>
      )}
      <UnknownAnnotations annotations={annotations} />
      {open && <CitationPanel message={message} citation={open} onClose={() => setOpen(null)} />}
    </>
  );
}

/** One part. Model text becomes HTML only through the Markdown sanitizer; every other string is a text node. */
function ContentPart({ message, part, image }: { message: Message; part: Part; image: number }) {
  const known = knownContent(part);
  if (!known) return <NotShown kind={part.type} />;
  switch (known.type) {
    case "text":
      return message.role === "user" ? (
        <>
          <div className="plain-text">{known.text.value}</div>
          <UnknownAnnotations annotations={known.text.annotations} />
        </>
      ) : (
        <AnswerText message={message} part={known} />
      );
    case "image_file":
      return <FileImage fileId={known.image_file.file_id} label={`Image ${image}`} />;
    case "image_url":
      // Loading a remote address would break the window's no-remote-origin rule: show where it points.
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
  const imageNumber = (index: number) => message.content.slice(0, index + 1).filter((p) => p.type === "image_file").length;
  return message.content.map((part, index) => (
    <ContentPart key={index} message={message} part={part} image={imageNumber(index)} />
  ));
}
