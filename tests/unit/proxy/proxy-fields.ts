/**
 * The proxy's request framing read back the way the C proxy reads it (`<field> <length>\n<bytes>\n`),
 * to check that lengths are bytes: a request's fields after `codering/1`, or a `case` field's own.
 */
export function parseFields(encoded: Buffer, framed = true): Array<[string, Buffer]> {
  let offset = 0;
  if (framed) {
    offset = encoded.indexOf(0x0a) + 1;
    expect(encoded.subarray(0, offset).toString()).toBe('codering/1\n');
  }
  const fields: Array<[string, Buffer]> = [];
  while (offset < encoded.length) {
    const newline = encoded.indexOf(0x0a, offset);
    const line = encoded.subarray(offset, newline).toString();
    offset = newline + 1;
    if (framed && line === 'end') break;
    const [name, length] = line.split(' ');
    const value = encoded.subarray(offset, offset + Number(length));
    offset += Number(length);
    expect(encoded[offset]).toBe(0x0a);
    offset += 1;
    fields.push([name!, value]);
  }
  expect(offset).toBe(encoded.length);
  return fields;
}
