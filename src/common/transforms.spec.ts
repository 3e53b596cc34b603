import { plainToInstance } from 'class-transformer';
import { UnixLineEndings, unixLineEndings } from './transforms.js';

class Form {
  @UnixLineEndings()
  body?: unknown;
}

describe('line endings', () => {
  it('turns CRLF and a lone CR into LF, and leaves LF alone', () => {
    expect(unixLineEndings('Estimada:\r\n\r\nApoyamos.\rAtentamente,\n')).toBe(
      'Estimada:\n\nApoyamos.\nAtentamente,\n',
    );
    expect(unixLineEndings('one\ntwo')).toBe('one\ntwo');
  });

  it('normalizes a string or each language of a LocalizedText on a DTO, and passes anything else through', () => {
    expect(plainToInstance(Form, { body: 'a\r\nb' }).body).toBe('a\nb');
    expect(plainToInstance(Form, { body: { en: 'a\r\nb', es: 'c\rd' } }).body).toEqual({
      en: 'a\nb',
      es: 'c\nd',
    });
    expect(plainToInstance(Form, { body: { en: 5 } }).body).toEqual({ en: 5 });
    expect(plainToInstance(Form, { body: ['a\r\n'] }).body).toEqual(['a\r\n']);
    expect(plainToInstance(Form, { body: null }).body).toBeNull();
  });
});
