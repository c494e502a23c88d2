/*
 * Password rules (NIST SP 800-63B style): long rather than complex, no composition rules, no
 * forced rotation; refuse the username inside it, a character repeated or in sequence, and the
 * most common passwords. Checked on creation and change only; hashes are argon2id.
 */

const COMMON = new Set([
  'password1234',
  'passwordpassword',
  '123456789012',
  'qwertyuiopas',
  'letmeinletmein',
  'iloveyou1234',
  'administrator',
  'changemechangeme',
  'welcome12345',
  'trustno1trustno1',
]);

/** Why a password is refused (empty: accepted). Messages never echo the password. */
export function passwordProblems(password: string, username: string, minLength: number): string[] {
  const problems: string[] = [];
  const length = [...password].length;
  if (length < minLength) problems.push(`must be at least ${minLength} characters`);
  if (length > 256) problems.push('must be at most 256 characters');
  const lower = password.toLowerCase();
  if (username.length >= 3 && lower.includes(username.toLowerCase())) {
    problems.push('must not contain the username');
  }
  if (/^(.)\1+$/u.test(password)) problems.push('must not be one character repeated');
  if (isSequence(lower)) problems.push('must not be a simple sequence');
  if (COMMON.has(lower)) problems.push('is too common');
  return problems;
}

function isSequence(text: string): boolean {
  if (text.length < 4) return false;
  const codes = [...text].map((c) => c.codePointAt(0) ?? 0);
  const step = codes[1] - codes[0];
  if (Math.abs(step) !== 1) return false;
  return codes.every((c, i) => i === 0 || c - codes[i - 1] === step);
}
