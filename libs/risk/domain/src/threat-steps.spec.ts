import {
  assertStepAllowed,
  isConcluded,
  missingStepsFor,
  nextStep,
  StepOutOfOrderError,
  THREAT_STEPS,
} from './threat-steps';

describe('the five steps of a threat assessment', () => {
  it('are facts, pattern, objective, author, conclusion', () => {
    expect(THREAT_STEPS).toEqual(['facts', 'pattern', 'objective', 'author', 'conclusion']);
  });

  it('allow facts first and each step once the earlier ones are recorded', () => {
    expect(() => assertStepAllowed('facts', [])).not.toThrow();
    expect(() => assertStepAllowed('pattern', ['facts'])).not.toThrow();
    expect(() => assertStepAllowed('author', ['facts', 'pattern', 'objective'])).not.toThrow();
    expect(() =>
      assertStepAllowed('conclusion', ['facts', 'pattern', 'objective', 'author']),
    ).not.toThrow();
  });

  it('refuse the author until facts, pattern and objective are recorded, naming what is missing', () => {
    expect(() => assertStepAllowed('author', [])).toThrow(StepOutOfOrderError);
    expect(() => assertStepAllowed('author', ['facts'])).toThrow(
      'the author step needs the pattern, objective steps recorded first',
    );
    expect(missingStepsFor('author', ['pattern'])).toEqual(['facts', 'objective']);
    expect(() => assertStepAllowed('conclusion', ['facts', 'pattern', 'objective'])).toThrow(
      'needs the author step recorded first',
    );
  });

  it('let an earlier step be recorded again', () => {
    expect(() => assertStepAllowed('facts', THREAT_STEPS)).not.toThrow();
    expect(() => assertStepAllowed('pattern', THREAT_STEPS)).not.toThrow();
  });

  it('name the next step and tell when the assessment is concluded', () => {
    expect(nextStep([])).toBe('facts');
    expect(nextStep(['facts', 'pattern'])).toBe('objective');
    expect(nextStep(THREAT_STEPS)).toBeUndefined();
    expect(isConcluded(['facts', 'pattern', 'objective', 'author'])).toBe(false);
    expect(isConcluded(THREAT_STEPS)).toBe(true);
  });
});
