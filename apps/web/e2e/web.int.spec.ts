import type { Browser, Locator, Page } from 'playwright-core';
import { discoverReports } from '../src/lib/reports';
import {
  foreignRequests,
  launchChromium,
  PHONE,
  screenshot,
  signIn,
  visit,
  type Visit,
} from './browser';
import { prepareSystem, type WebFixture } from './fixture';

/*
 * The web application in real headless Chromium against the real system (every app a process,
 * the demo data, engagements prepared through the gateway: e2e/fixture.ts). Each role walks its
 * main path; forms show the server's validation message at the field; pages of another
 * organisation or role show the refused-access state; every request stays on the gateway's
 * origin. Screenshots of the main pages go to dist/screenshots/.
 */

let fixture: WebFixture;
let browser: Browser;
let failed = false;
const open: Visit[] = [];

beforeAll(async () => {
  fixture = await prepareSystem();
  browser = await launchChromium();
}, 6 * 60_000);

afterAll(async () => {
  await browser?.close();
  await fixture?.system.stop({ keepLogs: failed });
  if (failed && fixture) process.stderr.write(`app logs kept in ${fixture.system.logDir}\n`);
}, 60_000);

/** A visit of one person; after the test, every request it made must be to the gateway. */
async function person(viewport?: { width: number; height: number }): Promise<Visit> {
  const v = await visit(browser, fixture.gatewayUrl, viewport);
  open.push(v);
  return v;
}

afterEach(async () => {
  const origin = new URL(fixture.gatewayUrl).origin;
  const visits = open.splice(0);
  try {
    for (const v of visits) {
      expect(v.requests.length).toBeGreaterThan(0);
      expect(foreignRequests(v.requests, origin)).toEqual([]);
    }
  } catch (err) {
    failed = true;
    throw err;
  } finally {
    await Promise.all(visits.map((v) => v.close()));
  }
});

/** Runs a test body; a failure keeps the app logs and saves a picture of the page. */
async function reported(page: () => Page | undefined, name: string, body: () => Promise<void>) {
  try {
    await body();
  } catch (err) {
    failed = true;
    const current = page();
    if (current) await screenshot(current, `failed-${name}`).catch(() => undefined);
    throw err;
  }
}

const text = async (locator: Locator) => (await locator.textContent()) ?? '';

/** Waits for the refused-access state of the page. */
async function expectRefused(page: Page, path: string): Promise<void> {
  await page.goto(path);
  const refused = page.getByTestId('refused');
  await refused.waitFor();
  expect(await text(refused)).toContain('Access refused');
}

describe('the web application in Chromium', () => {
  it("signs in: refuses a wrong password, shows the server's message at an empty field", async () => {
    const { page } = await person();
    await reported(
      () => page,
      'sign-in',
      async () => {
        await page.goto('/login');
        await page.getByRole('heading', { name: 'Sign in' }).waitFor();
        await screenshot(page, 'sign-in');
        await page.getByLabel('Password').fill('not-the-password');
        await page.getByRole('button', { name: 'Sign in' }).click();
        // The server's validation of the empty username, at the username field.
        const usernameError = page.getByTestId('error-username');
        await usernameError.waitFor();
        expect(await text(usernameError)).not.toBe('');
        expect(await page.getByLabel('Username').getAttribute('aria-invalid')).toBe('true');
        await page.getByLabel('Username').fill('analyst.demo');
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.getByTestId('login-refused').waitFor();
        expect(await text(page.getByTestId('login-refused'))).toBe('Wrong username or password.');
        expect(page.url()).toMatch(/\/login$/);
      },
    );
  });

  it('program manager: portfolio with the escalated engagement first, filters, the engagement page with its charts; Spanish', async () => {
    const { page } = await person();
    await reported(
      () => page,
      'manager',
      async () => {
        await signIn(page, 'pm.americas', fixture.password);
        expect(new URL(page.url()).pathname).toBe('/portfolio');
        const rows = page.getByTestId('portfolio-row');
        await rows.first().waitFor();
        await page.getByText('Loading…').first().waitFor({ state: 'detached' });
        expect(await text(rows.first())).toContain(fixture.escalated.organisationName);
        expect(await text(rows.first())).toMatch(/\d+ escalated/);
        expect(await text(page.getByTestId('portfolio'))).toContain(
          fixture.active.organisationName,
        );
        await screenshot(page, 'manager-portfolio');

        await page.getByLabel('Search', { exact: true }).fill('Tierra');
        await page.waitForFunction(
          () => document.querySelectorAll('[data-testid="portfolio-row"]').length === 1,
        );
        await page.getByLabel('Attention').selectOption('escalated');
        await page.getByTestId('empty').waitFor();
        await page.getByLabel('Attention').selectOption('');

        await page.getByRole('link', { name: fixture.active.organisationName }).click();
        await page.waitForURL(`**/engagements/${fixture.active.engagementId}`);
        await page
          .getByRole('heading', { level: 1, name: fixture.active.organisationName })
          .waitFor();
        for (const id of [
          'timeline',
          'agreement',
          'risk-matrix',
          'risk-trend',
          'plan-progress',
          'autonomy-trend',
          'wheel-means',
        ]) {
          await page.getByTestId(id).waitFor();
        }
        expect(await text(page.getByTestId('timeline'))).toContain('Agreement in force');
        expect(await text(page.getByTestId('agreement'))).toMatch(/v2\s*Proposed/);
        // Charts are images with a name, and the same numbers as a table.
        const matrix = page.getByTestId('risk-matrix');
        expect(
          await matrix.locator('svg[role="img"]').getAttribute('aria-labelledby'),
        ).toBeTruthy();
        await matrix.getByText('Show as table').click();
        expect(await matrix.locator('table tbody tr').count()).toBeGreaterThan(0);
        expect(await page.getByTestId('autonomy-trend').locator('circle').count()).toBe(2);
        await screenshot(page, 'manager-engagement');

        await page.getByTestId('language').selectOption('es');
        await page.getByRole('heading', { level: 2, name: 'Cronología' }).waitFor();
        expect(await page.locator('html').getAttribute('lang')).toBe('es');
        await page.goto('/portfolio');
        await page.getByRole('heading', { level: 1, name: 'Cartera' }).waitFor();
      },
    );
  });

  it('program manager on a phone: the portfolio and the menu fit the screen', async () => {
    const { page } = await person(PHONE);
    await reported(
      () => page,
      'manager-phone',
      async () => {
        await signIn(page, 'pm.americas', fixture.password);
        await page.getByTestId('portfolio-row').first().waitFor();
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        expect(width).toBeLessThanOrEqual(PHONE.width);
        await screenshot(page, 'manager-portfolio-phone');
        const menu = page.getByRole('button', { name: 'Menu' });
        expect(await menu.getAttribute('aria-expanded')).toBe('false');
        await menu.click();
        expect(await menu.getAttribute('aria-expanded')).toBe('true');
        await page.getByRole('link', { name: 'Inbox' }).click();
        await page.getByRole('heading', { level: 1, name: 'Inbox' }).waitFor();
        expect(await text(page.getByTestId('inbox'))).toContain('Escalation');
        await screenshot(page, 'manager-inbox-phone');
      },
    );
  });

  it('protection officer: upcoming work, a validation error at the field, a follow-up held, a threat through the five steps in order, a cascade verified; refused elsewhere', async () => {
    const { page } = await person();
    await reported(
      () => page,
      'officer',
      async () => {
        await signIn(page, 'officer.americas', fixture.password);
        expect(new URL(page.url()).pathname).toBe('/work');
        await page.getByTestId('my-sessions').waitFor();
        await page.getByTestId('my-follow-ups').waitFor();
        expect(await text(page.getByTestId('my-follow-ups'))).toContain('Leadership meeting');
        await screenshot(page, 'officer-work');

        await page.goto(`/work/engagements/${fixture.active.engagementId}`);
        const schedule = page.getByTestId('schedule-session-form');
        await schedule.waitFor();
        await schedule.getByLabel('Starts').fill('2031-05-20T10:00');
        await schedule.getByLabel('Ends').fill('2031-05-20T09:00');
        await schedule.getByRole('button', { name: 'Schedule' }).click();
        const endsError = schedule.getByTestId('error-endsAt');
        await endsError.waitFor();
        expect(await text(endsError)).toBe('must be after startsAt');
        expect(await schedule.getByLabel('Ends').getAttribute('aria-invalid')).toBe('true');
        await schedule.scrollIntoViewIfNeeded();
        await screenshot(page, 'officer-validation-error');

        const hold = page.getByTestId('hold-follow-up-form');
        await hold.getByLabel('Notes').fill('Fictitious: the leadership agreed on a focal point.');
        await hold.getByRole('button', { name: 'Record as held' }).click();
        await hold.waitFor({ state: 'detached' });
        expect(await text(page.getByTestId('follow-ups'))).toContain('Held');

        const newThreat = page.getByTestId('new-threat-form');
        await newThreat.getByLabel('Kind of threat').selectOption('intimidation');
        await newThreat.getByRole('button', { name: 'Record the threat' }).click();
        const steps = page.getByTestId('threat-steps');
        await steps.getByTestId('step-form-facts').waitFor();
        const order = ['facts', 'pattern', 'objective', 'author', 'conclusion'];
        for (const [i, step] of order.entries()) {
          const form = steps.getByTestId(`step-form-${step}`);
          await form.waitFor();
          // Only the next step can be recorded: the later ones have no form yet.
          for (const later of order.slice(i + 1)) {
            expect(await steps.getByTestId(`step-form-${later}`).count()).toBe(0);
          }
          await form.getByRole('textbox').fill(`Fictitious ${step} of the e2e threat.`);
          if (step === 'conclusion') await form.getByLabel('The threat can be carried out').check();
          await form.getByRole('button', { name: 'Record this step' }).click();
          await form.waitFor({ state: 'detached' });
        }
        await page.getByText(/All five steps are recorded/).waitFor();

        const verify = page.getByTestId('verify-cascade-form');
        await verify.getByRole('button', { name: 'Verify' }).click();
        await verify.waitFor({ state: 'detached' });
        expect(await text(page.getByTestId('cascades'))).toContain('Verified');
        await screenshot(page, 'officer-record');

        await page.goto('/inbox');
        await page.getByRole('heading', { level: 1, name: 'Inbox' }).waitFor();
        await page.getByTestId('inbox').waitFor();
        expect(await text(page.getByTestId('inbox'))).toContain('Reminder');
        await screenshot(page, 'officer-inbox');

        await expectRefused(page, `/work/engagements/${fixture.otherDesk.engagementId}`);
        await screenshot(page, 'refused-other-desk');
        await expectRefused(page, '/portfolio');
      },
    );
  });

  it("defender organisation: signs the amendment, adopts the plan, sees its sessions and progress, reports an incident (the server's message at the field), is refused elsewhere, and leaves by quick exit", async () => {
    const { page, requests } = await person();
    await reported(
      () => page,
      'defender',
      async () => {
        await signIn(page, 'defender.tierra-viva', fixture.password);
        expect(new URL(page.url()).pathname).toBe('/organisation');
        await page.getByTestId('quick-exit').waitFor();
        expect(await text(page.getByTestId('organisation-name'))).toBe(
          fixture.active.organisationName,
        );
        const awaiting = page.getByTestId('awaiting');
        await awaiting.getByText('Agreement version 2 awaits your signature').waitFor();
        await page.getByTestId('autonomy-trend').waitFor();
        await screenshot(page, 'defender-overview');

        await awaiting.getByRole('link', { name: 'Review and sign' }).click();
        const sign = page.getByTestId('sign-form');
        await sign.getByRole('button', { name: 'Sign version 2' }).click();
        await page.getByTestId('signed').waitFor();
        await page
          .getByTestId('agreement')
          .getByText(/Signed|In force/)
          .first()
          .waitFor();
        await screenshot(page, 'defender-agreement');

        await page.getByRole('link', { name: 'Security plan', exact: true }).click();
        const adopt = page.getByTestId('adopt-form');
        await adopt.getByRole('button', { name: 'Adopt this version' }).click();
        await page.getByText(/^Adopted on /).waitFor();
        await page.getByLabel('Items owned by').selectOption('security-focal-point');
        expect(await page.getByTestId('plan-item').count()).toBe(1);
        await screenshot(page, 'defender-plan');

        await page.getByRole('link', { name: 'Sessions', exact: true }).click();
        await page.getByTestId('knowledge-gain').waitFor();
        expect(await page.getByTestId('sessions').locator('li').count()).toBe(2);
        await screenshot(page, 'defender-sessions');

        await page.getByRole('link', { name: 'Incidents', exact: true }).click();
        const report = page.getByTestId('incident-form');
        await report.getByLabel('When did it happen?').fill('2099-01-01T10:00');
        await report.getByLabel('What kind of incident?').selectOption('surveillance');
        await report
          .getByLabel('What happened?')
          .fill('Fictitious: a car parked outside for hours.');
        await report.getByRole('button', { name: 'Report the incident' }).click();
        const when = report.getByTestId('error-occurredAt');
        await when.waitFor();
        expect(await text(when)).toBe('must not lie in the future');
        await screenshot(page, 'defender-incident-error');
        const earlier = new Date(Date.now() - 2 * 3_600_000);
        const local = new Date(earlier.getTime() - earlier.getTimezoneOffset() * 60_000)
          .toISOString()
          .slice(0, 16);
        await report.getByLabel('When did it happen?').fill(local);
        await report.getByRole('button', { name: 'Report the incident' }).click();
        await report.getByText('Reported. Your officer has been informed.').waitFor();
        expect(await report.getByTestId('error-occurredAt').count()).toBe(0);
        expect(await text(page.getByTestId('incidents'))).toContain('Surveillance');

        await expectRefused(page, `/organisation?engagement=${fixture.otherDesk.engagementId}`);
        await expectRefused(page, `/engagements/${fixture.active.engagementId}`);

        await page.setViewportSize(PHONE);
        await page.goto('/organisation');
        await page.getByTestId('autonomy-trend').waitFor();
        await screenshot(page, 'defender-overview-phone');

        // Quick exit: session wiped, revoked at the gateway, a neutral page; Back shows nothing.
        await page.getByTestId('quick-exit').click();
        await page.waitForURL('**/weather.html');
        await page.getByRole('heading', { name: 'Weather' }).waitFor();
        expect(await page.evaluate(() => sessionStorage.length + localStorage.length)).toBe(0);
        expect(requests.some((url) => url.endsWith('/api/identity/logout'))).toBe(true);
        await screenshot(page, 'quick-exit-neutral-page');
        await page.goBack();
        await page.waitForURL('**/login');
        expect(await page.getByTestId('organisation-name').count()).toBe(0);
      },
    );
  });

  it("analyst: the reporting service's reports as charts and tables with CSV, and nothing else", async () => {
    const { page } = await person();
    await reported(
      () => page,
      'analyst',
      async () => {
        const document = (await (
          await fetch(`${fixture.gatewayUrl}/api/openapi.json`)
        ).json()) as unknown;
        const reports = discoverReports(document);
        await signIn(page, 'analyst.demo', fixture.password);
        expect(new URL(page.url()).pathname).toBe('/reports');
        await page.getByRole('heading', { level: 1, name: 'Reports' }).waitFor();
        if (reports.length === 0) {
          // The gateway publishes no reporting route: the page says so (no error, no spinner).
          await page.getByTestId('empty').waitFor();
          expect(await text(page.getByTestId('empty'))).toBe(
            'The reporting service publishes no reports at the moment.',
          );
        } else {
          // A report that needs no filter value (the test cannot know valid ones).
          const report = reports.find((r) => r.parameters.every((p) => !p.required)) ?? reports[0];
          await page.getByLabel('Report', { exact: true }).selectOption(report?.id ?? '');
          const shown = page.getByTestId('report');
          expect(await text(shown.getByRole('heading', { level: 2 }))).toBe(report?.title);
          await shown.getByRole('button', { name: 'Show the report' }).click();
          if (report?.parameters.every((p) => !p.required)) {
            await shown.getByTestId('download-csv').waitFor();
            const [download] = await Promise.all([
              page.waitForEvent('download'),
              shown.getByTestId('download-csv').click(),
            ]);
            expect(download.suggestedFilename()).toMatch(/\.csv$/);
          } else {
            // Required filters left empty: the server's message at the field.
            await shown.locator('.field-error').first().waitFor();
          }
        }
        await screenshot(page, 'analyst-reports');
        await expectRefused(page, '/organisation');
        await expectRefused(page, '/portfolio');
      },
    );
  });
});
