import fc from 'fast-check';
import { fillTemplate, hasPlaceholders } from './template';

const field = fc.option(fc.string({ maxLength: 30 }), { nil: undefined });
const fields = fc.record({ name: field, custom1: field, custom2: field });
/** Text that cannot contain a placeholder: no brace at all. */
const plain = fc.string({ maxLength: 200 }).map((s) => s.replace(/[{}]/g, ''));

describe('fillTemplate (seed 001 personalisation)', () => {
  it('leaves a body without placeholders unchanged, whatever the fields', () => {
    fc.assert(fc.property(plain, fields, (body, f) => fillTemplate(body, f) === body && !hasPlaceholders(body)));
  });

  it('puts each value in verbatim, even one that itself looks like a placeholder', () => {
    const tricky = fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('{{custom1}}', '{{name}}', '$&', '$1', '{{ name }}', '}}{{'));
    fc.assert(
      fc.property(plain, plain, tricky, tricky, tricky, (a, b, name, custom1, custom2) => {
        const out = fillTemplate(`${a}{{name}}${b}{{custom1}}|{{custom2}}`, { name, custom1, custom2 });
        return out === `${a}${name}${b}${custom1}|${custom2}`;
      }),
    );
  });

  it('fills a missing field, or a recipient without fields, with the empty string', () => {
    fc.assert(
      fc.property(plain, plain, (a, b) => {
        const body = `${a}{{name}}${b}{{custom2}}`;
        return fillTemplate(body, null) === a + b && fillTemplate(body, {}) === a + b && fillTemplate(body, { custom1: 'x' }) === a + b;
      }),
    );
  });

  it('fills every occurrence, accepts spaces and any case inside the braces, and leaves other {{…}} alone', () => {
    expect(fillTemplate('Hi {{name}}, {{ Name }} / {{NAME}}!', { name: 'Ann' })).toBe('Hi Ann, Ann / Ann!');
    expect(fillTemplate('{{surname}} {{name', { name: 'Ann' })).toBe('{{surname}} {{name');
    expect(hasPlaceholders('Dear {{ custom2 }}')).toBe(true);
    expect(hasPlaceholders('Dear {{surname}}')).toBe(false);
  });

  it('is the concatenation of its parts: filling a body split at a placeholder-free point equals filling each half', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('{{name}}', '{{custom1}}', 'a', ' ', 'é', '{', '}'), { maxLength: 30 }), fields, (pieces, f) => {
        const whole = fillTemplate(pieces.join(''), f);
        // A placeholder is never assembled from pieces that are filled separately: the split is between whole tokens.
        const i = Math.floor(pieces.length / 2);
        const left = pieces.slice(0, i).join('');
        const right = pieces.slice(i).join('');
        if (/\{$/.test(left) || /^\{/.test(right) || /\{\{[^}]*$/.test(left)) return true;
        return whole === fillTemplate(left, f) + fillTemplate(right, f);
      }),
    );
  });
});
