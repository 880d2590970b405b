import { ConfirmButton } from "../components/ConfirmButton";
import { EmptyState } from "../components/EmptyState";
import type { KnowledgeFile } from "../ipc";
import { usedByLabel } from "../knowledge/status";
import { formatTime } from "./time";
import { size } from "./units";

interface KnowledgeFilesProps {
  files: KnowledgeFile[];
  onDelete: (fileId: string) => void;
}

/** Every file: name, size, purpose, when, and which assistants and threads use it. */
export function KnowledgeFiles({ files, onDelete }: KnowledgeFilesProps) {
  return (
    <section className="knowledge-section" aria-labelledby="knowledge-files-heading">
      <h2 id="knowledge-files-heading">Files</h2>
      {files.length === 0 ? (
        <EmptyState testId="knowledge-files-empty" title="No files" detail="Add documents to an assistant in its editor." />
      ) : (
        <table className="knowledge-table" data-testid="knowledge-files">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Size</th>
              <th scope="col">Purpose</th>
              <th scope="col">Added</th>
              <th scope="col">Used by</th>
              <th scope="col" aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {files.map(({ file, assistants, threads }) => (
              <tr key={file.id} data-testid="knowledge-file" data-file-id={file.id}>
                <td className="knowledge-name" title={file.id}>
                  {file.filename}
                </td>
                <td>{size(file.bytes)}</td>
                <td>{file.purpose}</td>
                <td>{formatTime(file.created_at)}</td>
                <td data-testid="knowledge-file-used-by">{usedByLabel(assistants, threads)}</td>
                <td>
                  <ConfirmButton
                    label="Delete"
                    confirmLabel="Delete file"
                    question={`Delete ${file.filename}? It leaves every vector store it is in.`}
                    testId="knowledge-delete-file"
                    onConfirm={() => onDelete(file.id)}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
