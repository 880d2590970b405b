/** The rule a form field breaks, under the field. */
export function FieldError({ error, id }: { error?: string; id: string }) {
  return error ? (
    <p className="field-error" id={id} role="alert">
      {error}
    </p>
  ) : null;
}
