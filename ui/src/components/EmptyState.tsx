interface EmptyStateProps {
  title: string;
  detail: string;
  testId?: string;
}

/** What a list or panel shows when it has nothing yet: plain words, never placeholder data. */
export function EmptyState({ title, detail, testId }: EmptyStateProps) {
  return (
    <div className="empty-state" data-testid={testId}>
      <p className="empty-state-title">{title}</p>
      <p className="empty-state-detail">{detail}</p>
    </div>
  );
}
