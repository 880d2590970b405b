import { useState } from "react";

interface ConfirmButtonProps {
  label: string;
  confirmLabel: string;
  question: string;
  onConfirm: () => void;
  testId?: string;
}

/** A destructive action that asks once, in place, before it happens. */
export function ConfirmButton({ label, confirmLabel, question, onConfirm, testId }: ConfirmButtonProps) {
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <button type="button" className="danger-quiet" onClick={() => setAsking(true)} data-testid={testId}>
        {label}
      </button>
    );
  }
  return (
    <span className="confirm" role="group" aria-label={question}>
      <span>{question}</span>
      <button
        type="button"
        className="danger"
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
        data-testid={testId ? `${testId}-confirm` : undefined}
      >
        {confirmLabel}
      </button>
      <button type="button" onClick={() => setAsking(false)}>
        Keep
      </button>
    </span>
  );
}
