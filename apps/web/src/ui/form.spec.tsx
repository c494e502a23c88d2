import { renderToStaticMarkup } from 'react-dom/server';
import { toApiProblem } from '../api/problem';
import { I18nProvider } from '../i18n/i18n';
import { Form, instantOf, integerOf, localInputOf, TextField, type Submission } from './form';

function submission(problem?: ReturnType<typeof toApiProblem>): Submission {
  return { busy: false, problem, done: false, onSubmit: () => undefined, reset: () => undefined };
}

const form = (s: Submission) =>
  renderToStaticMarkup(
    <I18nProvider>
      <Form submission={s} label="Report an incident" submitLabel="Report">
        <TextField name="occurredAt" label="When" value="" onChange={() => undefined} required />
        <TextField name="narrative" label="What happened" value="" onChange={() => undefined} />
      </Form>
    </I18nProvider>,
  );

describe('forms', () => {
  it("show the server's message at the field it names, described by it and marked invalid", () => {
    const html = form(
      submission(
        toApiProblem(400, {
          error: {
            code: 'VALIDATION_FAILED',
            message: 'The request is not valid.',
            fields: [{ path: 'occurredAt', message: 'must not lie in the future' }],
          },
        }),
      ),
    );
    expect(html).toContain('role="alert"');
    expect(html).toMatch(
      /<input[^>]*aria-invalid="true"[^>]*aria-describedby="([^"]+-occurredAt-error)"[^>]*name="occurredAt"/,
    );
    expect(html).toMatch(
      /<p class="field-error" id="[^"]+-occurredAt-error"[^>]*>must not lie in the future<\/p>/,
    );
    expect(html).toMatch(/<input[^>]*aria-invalid="false"[^>]*name="narrative"/);
  });

  it('label every input and mark the required ones', () => {
    const html = form(submission());
    expect(html).toMatch(
      /<label for="([^"]+-occurredAt)">When<span class="required"> \(required\)<\/span><\/label>/,
    );
    expect(html).toMatch(/<input id="[^"]+-occurredAt"/);
    expect(html).not.toContain('role="alert"');
    expect(html).toContain('aria-label="Report an incident"');
  });

  it('convert what was typed into the request values', () => {
    expect(instantOf('')).toBeUndefined();
    expect(instantOf('nonsense')).toBeUndefined();
    const local = localInputOf(new Date(2027, 2, 10, 9, 5));
    expect(local).toBe('2027-03-10T09:05');
    expect(instantOf(local)).toBe(new Date(2027, 2, 10, 9, 5).toISOString());
    expect(integerOf(' 4 ')).toBe(4);
    expect(integerOf('4.5')).toBeUndefined();
    expect(integerOf('')).toBeUndefined();
  });
});
