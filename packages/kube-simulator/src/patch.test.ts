import { applyJsonPatch, applyMergePatch } from './patch';

describe('applyMergePatch (RFC 7386)', () => {
  it.each([
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [
      ['a', 'b'],
      ['c', 'd'],
      ['c', 'd'],
    ],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ])('RFC 7386 example %#', (target, patch, expected) => {
    expect(applyMergePatch(target as any, patch as any)).toEqual(expected);
  });

  it('does not change the target', () => {
    const target = { a: { b: 1 } };
    applyMergePatch(target, { a: { b: 2 } });
    expect(target).toEqual({ a: { b: 1 } });
  });
});

describe('applyJsonPatch (RFC 6902)', () => {
  it.each([
    [
      'add an object member',
      { foo: 'bar' },
      [{ op: 'add', path: '/baz', value: 'qux' }],
      { foo: 'bar', baz: 'qux' },
    ],
    [
      'add an array element',
      { foo: ['bar', 'baz'] },
      [{ op: 'add', path: '/foo/1', value: 'qux' }],
      { foo: ['bar', 'qux', 'baz'] },
    ],
    [
      'append with -',
      { foo: [1] },
      [{ op: 'add', path: '/foo/-', value: 2 }],
      { foo: [1, 2] },
    ],
    [
      'remove an object member',
      { baz: 'qux', foo: 'bar' },
      [{ op: 'remove', path: '/baz' }],
      { foo: 'bar' },
    ],
    [
      'remove an array element',
      { foo: ['bar', 'qux', 'baz'] },
      [{ op: 'remove', path: '/foo/1' }],
      { foo: ['bar', 'baz'] },
    ],
    [
      'replace a value',
      { baz: 'qux', foo: 'bar' },
      [{ op: 'replace', path: '/baz', value: 'boo' }],
      { baz: 'boo', foo: 'bar' },
    ],
    [
      'move a value',
      { foo: { bar: 'baz', waldo: 'fred' }, qux: { corge: 'grault' } },
      [{ op: 'move', from: '/foo/waldo', path: '/qux/thud' }],
      { foo: { bar: 'baz' }, qux: { corge: 'grault', thud: 'fred' } },
    ],
    [
      'move an array element',
      { foo: ['all', 'grass', 'cows', 'eat'] },
      [{ op: 'move', from: '/foo/1', path: '/foo/3' }],
      { foo: ['all', 'cows', 'eat', 'grass'] },
    ],
    [
      'copy a value',
      { a: { b: 1 } },
      [{ op: 'copy', from: '/a', path: '/c' }],
      { a: { b: 1 }, c: { b: 1 } },
    ],
    [
      'test then add',
      { baz: 'qux', foo: ['a', 2, 'c'] },
      [
        { op: 'test', path: '/baz', value: 'qux' },
        { op: 'test', path: '/foo/1', value: 2 },
      ],
      { baz: 'qux', foo: ['a', 2, 'c'] },
    ],
    [
      'add a nested member',
      { foo: 'bar' },
      [{ op: 'add', path: '/child', value: { grandchild: {} } }],
      { foo: 'bar', child: { grandchild: {} } },
    ],
    [
      'escaped pointers',
      { 'a/b': 1, 'm~n': 2 },
      [
        { op: 'replace', path: '/a~1b', value: 3 },
        { op: 'remove', path: '/m~0n' },
      ],
      { 'a/b': 3 },
    ],
    [
      'replace the whole document',
      { a: 1 },
      [{ op: 'replace', path: '', value: { b: 2 } }],
      { b: 2 },
    ],
    [
      'test with object key order ignored',
      { a: { x: 1, y: 2 } },
      [{ op: 'test', path: '/a', value: { y: 2, x: 1 } }],
      { a: { x: 1, y: 2 } },
    ],
  ])('%s', (_name, target, patch, expected) => {
    expect(applyJsonPatch(target as any, patch as any)).toEqual(expected);
  });

  it.each([
    [
      'a failed test',
      { baz: 'qux' },
      [{ op: 'test', path: '/baz', value: 'bar' }],
    ],
    ['removing a missing member', { a: 1 }, [{ op: 'remove', path: '/b' }]],
    [
      'replacing a missing member',
      { a: 1 },
      [{ op: 'replace', path: '/b', value: 1 }],
    ],
    [
      'adding under a missing parent',
      { a: 1 },
      [{ op: 'add', path: '/b/c', value: 1 }],
    ],
    [
      'an index past the end',
      { a: [1] },
      [{ op: 'add', path: '/a/2', value: 1 }],
    ],
    [
      'an index with a leading zero',
      { a: [1, 2] },
      [{ op: 'remove', path: '/a/01' }],
    ],
    [
      'moving into its own child',
      { a: { b: 1 } },
      [{ op: 'move', from: '/a', path: '/a/b/c' }],
    ],
  ])('refuses %s with 422, changing nothing', (_name, target, patch) => {
    const copy = structuredClone(target);
    expect(() => applyJsonPatch(target as any, patch as any)).toThrow(
      expect.objectContaining({ code: 422, reason: 'Invalid' }),
    );
    expect(target).toEqual(copy);
  });

  it.each([
    ['not an array', { op: 'add', path: '/a', value: 1 }],
    ['an unknown op', [{ op: 'frobnicate', path: '/a' }]],
    ['a missing value', [{ op: 'add', path: '/a' }]],
    ['a missing from', [{ op: 'copy', path: '/a' }]],
    ['a pointer without /', [{ op: 'add', path: 'a', value: 1 }]],
  ])('refuses a malformed patch (%s) with 400', (_name, patch) => {
    expect(() => applyJsonPatch({}, patch as any)).toThrow(
      expect.objectContaining({ code: 400, reason: 'BadRequest' }),
    );
  });

  it('is atomic: a later failure leaves the target as it was', () => {
    const target = { a: 1 };
    expect(() =>
      applyJsonPatch(target, [
        { op: 'replace', path: '/a', value: 2 },
        { op: 'remove', path: '/missing' },
      ]),
    ).toThrow();
    expect(target).toEqual({ a: 1 });
  });
});
