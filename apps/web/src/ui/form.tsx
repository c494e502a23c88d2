import { createContext, useContext, useEffect, useId, useRef, useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import { isApiProblem, type ApiProblem } from '../api/problem';
import { useI18n } from '../i18n/i18n';
import { problemMessage } from './problem-text';

/** The server's answer to a submitted form, for its fields and summary. */
interface FormState {
  idPrefix: string;
  problem: ApiProblem | undefined;
}

const FormContext = createContext<FormState | undefined>(undefined);

/** What {@link useSubmit} gives a form. */
export interface Submission {
  busy: boolean;
  problem: ApiProblem | undefined;
  /** Set when the last submission succeeded (cleared by the next one). */
  done: boolean;
  onSubmit: (event: FormEvent<HTMLFormElement>) => void;
  reset: () => void;
}

/**
 * Runs `action` on submit: one at a time, keeping the server's problem (shown at the fields it
 * names and in the form's summary) and whether it succeeded.
 */
export function useSubmit(action: () => Promise<unknown>): Submission {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | undefined>(undefined);
  const [done, setDone] = useState(false);
  return {
    busy,
    problem,
    done,
    reset: () => {
      setProblem(undefined);
      setDone(false);
    },
    onSubmit: (event) => {
      event.preventDefault();
      if (busy) return;
      setBusy(true);
      setProblem(undefined);
      setDone(false);
      action().then(
        () => {
          setBusy(false);
          setDone(true);
        },
        (err: unknown) => {
          setBusy(false);
          if (isApiProblem(err)) setProblem(err);
          else throw err;
        },
      );
    },
  };
}

/**
 * A form bound to a {@link Submission}: a summary of the server's refusal (focused for screen
 * readers) above the fields, each field showing its own message.
 */
export function Form({
  submission,
  label,
  children,
  submitLabel,
  doneMessage,
  testId,
}: {
  submission: Submission;
  /** Accessible name of the form. */
  label: string;
  children: ReactNode;
  submitLabel: string;
  doneMessage?: string;
  testId?: string;
}) {
  const idPrefix = useId();
  const { t } = useI18n();
  const { problem, busy, done } = submission;
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => {
    // Keyboard and screen-reader users land on the first field the server refused.
    if (!problem) return;
    const invalid = formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]');
    invalid?.focus();
  }, [problem]);
  // Problems of fields this form does not show (e.g. a server-side rule on a hidden value) are
  // listed in the summary so nothing the server said is lost.
  const unmatched =
    problem && typeof document !== 'undefined'
      ? problem.fields.filter((f) => !document.getElementById(`${idPrefix}-${f.path}`))
      : [];
  return (
    <FormContext.Provider value={{ idPrefix, problem }}>
      <form
        ref={formRef}
        className="form"
        aria-label={label}
        onSubmit={submission.onSubmit}
        noValidate
        data-testid={testId}
      >
        {problem && (
          <div className="form-problem" role="alert" data-testid="form-problem">
            <p>{problemMessage(t, problem)}</p>
            {unmatched.length > 0 && (
              <ul>
                {unmatched.map((f) => (
                  <li key={f.path}>
                    <code>{f.path}</code>: {f.message}
                  </li>
                ))}
              </ul>
            )}
          </div>
        )}
        {children}
        <div className="form-actions">
          <button type="submit" className="button primary" disabled={busy} aria-busy={busy}>
            {busy ? t('form.saving') : submitLabel}
          </button>
          {done && doneMessage && (
            <span className="form-done" role="status">
              {doneMessage}
            </span>
          )}
        </div>
      </form>
    </FormContext.Provider>
  );
}

/** Ids and the server's message of one field (its `name` is the request body path). */
function useField(name: string) {
  const form = useContext(FormContext);
  const localId = useId();
  const id = form ? `${form.idPrefix}-${name}` : localId;
  const error = form?.problem?.fieldMessage(name);
  return { id, error, errorId: `${id}-error`, hintId: `${id}-hint` };
}

interface FieldFrameProps {
  label: string;
  hint?: string | undefined;
  required?: boolean | undefined;
  children: (a11y: {
    id: string;
    'aria-invalid': boolean;
    'aria-describedby': string | undefined;
    'aria-required': boolean | undefined;
  }) => ReactNode;
  name: string;
}

function FieldFrame({ label, hint, required, children, name }: FieldFrameProps) {
  const { id, error, errorId, hintId } = useField(name);
  const { t } = useI18n();
  const describedBy = [hint ? hintId : '', error ? errorId : ''].filter(Boolean).join(' ');
  return (
    <div className={`field${error ? ' field-invalid' : ''}`} data-field={name}>
      <label htmlFor={id}>
        {label}
        {required && <span className="required"> ({t('form.required')})</span>}
      </label>
      {hint && (
        <p className="hint" id={hintId}>
          {hint}
        </p>
      )}
      {children({
        id,
        'aria-invalid': Boolean(error),
        'aria-describedby': describedBy || undefined,
        'aria-required': required || undefined,
      })}
      {error && (
        <p className="field-error" id={errorId} data-testid={`error-${name}`}>
          {error}
        </p>
      )}
    </div>
  );
}

interface InputProps {
  name: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  hint?: string;
  required?: boolean;
}

/** A one-line text input. */
export function TextField(
  props: InputProps & { type?: 'text' | 'password'; autoComplete?: string },
) {
  return (
    <FieldFrame {...props}>
      {(a11y) => (
        <input
          {...a11y}
          name={props.name}
          type={props.type ?? 'text'}
          value={props.value}
          autoComplete={props.autoComplete}
          onChange={(e) => props.onChange(e.target.value)}
        />
      )}
    </FieldFrame>
  );
}

/** A multi-line text input. */
export function TextArea(props: InputProps & { rows?: number }) {
  return (
    <FieldFrame {...props}>
      {(a11y) => (
        <textarea
          {...a11y}
          name={props.name}
          rows={props.rows ?? 3}
          value={props.value}
          onChange={(e) => props.onChange(e.target.value)}
        />
      )}
    </FieldFrame>
  );
}

/** A whole number (the text is kept as typed; the form converts it). */
export function NumberField(props: InputProps & { min?: number; max?: number }) {
  return (
    <FieldFrame {...props}>
      {(a11y) => (
        <input
          {...a11y}
          name={props.name}
          type="number"
          inputMode="numeric"
          min={props.min}
          max={props.max}
          value={props.value}
          onChange={(e) => props.onChange(e.target.value)}
        />
      )}
    </FieldFrame>
  );
}

/** A local date and time (`datetime-local`), converted to an instant by the form. */
export function DateTimeField(props: InputProps) {
  return (
    <FieldFrame {...props}>
      {(a11y) => (
        <input
          {...a11y}
          name={props.name}
          type="datetime-local"
          value={props.value}
          onChange={(e) => props.onChange(e.target.value)}
        />
      )}
    </FieldFrame>
  );
}

/** A calendar date (`YYYY-MM-DD`). */
export function DateField(props: InputProps) {
  return (
    <FieldFrame {...props}>
      {(a11y) => (
        <input
          {...a11y}
          name={props.name}
          type="date"
          value={props.value}
          onChange={(e) => props.onChange(e.target.value)}
        />
      )}
    </FieldFrame>
  );
}

/** A choice from a list. */
export function SelectField(
  props: InputProps & { options: ReadonlyArray<{ value: string; label: string }> },
) {
  return (
    <FieldFrame {...props}>
      {(a11y) => (
        <select
          {...a11y}
          name={props.name}
          value={props.value}
          onChange={(e) => props.onChange(e.target.value)}
        >
          {props.options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </FieldFrame>
  );
}

/** A yes/no choice. */
export function CheckboxField({
  name,
  label,
  checked,
  onChange,
}: {
  name: string;
  label: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
}) {
  const { id, error, errorId } = useField(name);
  return (
    <div className={`field field-checkbox${error ? ' field-invalid' : ''}`} data-field={name}>
      <input
        id={id}
        name={name}
        type="checkbox"
        checked={checked}
        aria-invalid={Boolean(error)}
        aria-describedby={error ? errorId : undefined}
        onChange={(e) => onChange(e.target.checked)}
      />
      <label htmlFor={id}>{label}</label>
      {error && (
        <p className="field-error" id={errorId} data-testid={`error-${name}`}>
          {error}
        </p>
      )}
    </div>
  );
}

/** The instant of a `datetime-local` value (local time), or undefined when empty/invalid. */
export function instantOf(local: string): string | undefined {
  if (!local) return undefined;
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** `datetime-local` text for an instant (local time), e.g. a default of "now". */
export function localInputOf(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}`
  );
}

/** A whole number from a field's text, or undefined (the server then names the field). */
export function integerOf(text: string): number | undefined {
  if (text.trim() === '') return undefined;
  const value = Number(text);
  return Number.isInteger(value) ? value : undefined;
}

/** Text or undefined when blank (optional fields are left out of the body). */
export function textOf(text: string): string | undefined {
  return text.trim() === '' ? undefined : text;
}
