import { publicNameStatus } from './public-name.js';

describe('publicNameStatus', () => {
  it.each([
    ['Ana', 'Silao'],
    ['María José', 'Querétaro'],
    ["D'Angelo", 'Detroit'],
    ['Nguyễn', null],
    ['Jean-Luc', 'St. Louis'],
    ['Ana 2', null],
  ])('shows %s (%s)', (name, city) => {
    expect(publicNameStatus(name, city)).toBe('shown');
  });

  it.each([
    ['links', 'visit http://spam.example', null],
    ['domains', 'cheap-pills.com', null],
    ['www', 'www.example', null],
    ['emails', 'ana@example.org', null],
    ['phone numbers', '+52 477 123 4567', null],
    ['formulas', '=HYPERLINK("x")', null],
    ['plus formulas', '+cmd', null],
    ['markup', '<b>Ana</b>', null],
    ['mostly symbols', '$$$ 123 !!!', null],
    ['a link in the city', 'Ana', 'go to bit.ly/x'],
  ])('holds back %s', (_what, name, city) => {
    expect(publicNameStatus(name, city)).toBe('held');
  });
});
