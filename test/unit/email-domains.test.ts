import { describe, expect, it } from 'vitest';
import { emailDomain, isBusinessEmail, isFreeMailDomain } from '../../functions/domain/predicates.ts';

describe('emailDomain', () => {
  it.each([
    ['jane@Acme.Example', 'acme.example'],
    ['jane@acme.example ', 'acme.example'],
    ['jane@ acme.example', 'acme.example'],
    ['jane@acme.example.', 'acme.example'],
    ['"jane@home"@mail.acme-corp.co.uk', 'mail.acme-corp.co.uk'],
    ['j@x1.io', 'x1.io'],
  ])('reads the domain of %j as %j (lower case, trimmed, without a trailing dot)', (email, domain) => {
    expect(emailDomain(email)).toBe(domain);
  });

  it.each([
    ['', 'empty'],
    ['acme.example', 'no @'],
    ['@acme.example', 'nothing before the @'],
    ['jane@', 'nothing after the @'],
    ['jane@localhost', 'a single label'],
    ['jane@acme..example', 'an empty label'],
    ['jane@ex ample.com', 'a space inside'],
    ['jane@acme.com x', 'trailing text'],
    ['jane@acme.com/path', 'a path'],
    ['jane@acme_corp.com', 'an underscore'],
  ])('has no domain for %j (%s)', (email) => {
    expect(emailDomain(email)).toBeUndefined();
    expect(isFreeMailDomain(email)).toBe(false);
    expect(isBusinessEmail(email)).toBe(false);
  });
});

/** Every exact free-mail domain the classifier knows. */
const FREE_MAIL = [
  'gmail.com',
  'googlemail.com',
  'ymail.com',
  'rocketmail.com',
  'msn.com',
  'icloud.com',
  'me.com',
  'mac.com',
  'web.de',
  't-online.de',
  'freenet.de',
  'posteo.de',
  'mailbox.org',
  'proton.me',
  'pm.me',
  'protonmail.com',
  'protonmail.ch',
  'tutanota.com',
  'tutanota.de',
  'tuta.io',
  'mail.com',
  'email.com',
  'ya.ru',
  'mail.ru',
  'inbox.ru',
  'bk.ru',
  'rambler.ru',
  'qq.com',
  '163.com',
  '126.com',
  'yeah.net',
  'sina.com',
  'sohu.com',
  'naver.com',
  'daum.net',
  'hanmail.net',
  'zoho.com',
  'zohomail.com',
  'fastmail.com',
  'fastmail.fm',
  'hey.com',
  'hushmail.com',
  'gmx.com',
  'orange.fr',
  'wanadoo.fr',
  'free.fr',
  'sfr.fr',
  'laposte.net',
  'libero.it',
  'virgilio.it',
  'tiscali.it',
  'seznam.cz',
  'wp.pl',
  'o2.pl',
  'interia.pl',
  'onet.pl',
  'btinternet.com',
  'sky.com',
  'virginmedia.com',
  'comcast.net',
  'verizon.net',
  'att.net',
  'sbcglobal.net',
  'cox.net',
  'rediffmail.com',
  'inbox.com',
  'bol.com.br',
  'uol.com.br',
  'terra.com.br',
];

describe('free-mail providers', () => {
  it.each(FREE_MAIL)('%s is free mail, not a business address', (domain) => {
    expect(isFreeMailDomain(`someone@${domain}`)).toBe(true);
    expect(isBusinessEmail(`someone@${domain.toUpperCase()}`)).toBe(false);
  });

  it('matches exact domains only, not their subdomains or look-alikes', () => {
    for (const email of ['a@eu.gmail.com', 'a@gmail.com.acme.example', 'a@my-gmail.com', 'a@sky.com.au']) {
      expect(isFreeMailDomain(email)).toBe(false);
      expect(isBusinessEmail(email)).toBe(true);
    }
  });

  it('recognises the multi-country brands under country and generic suffixes only', () => {
    for (const email of ['a@gmx.at', 'a@yandex.com', 'a@aol.co.uk', 'a@live.com.au', 'a@hotmail.ne.jp']) {
      expect(isFreeMailDomain(email)).toBe(true);
    }
    for (const email of ['a@gmx.company', 'a@yahoo.acme.com', 'a@outlook.example.org', 'a@aol.c0.uk']) {
      expect(isFreeMailDomain(email)).toBe(false);
    }
  });
});
