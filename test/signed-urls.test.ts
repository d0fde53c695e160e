// Signed file and download URLs: valid exactly as signed. Adding or changing any query parameter
// (a download's fps or loop, which change the work done) or tampering with the path breaks the
// signature; the parameters' order does not matter; an expired URL is refused.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { UrlSigner } from '../apps/server/src/signed-urls.ts';

/** The path and query of a signed URL, as Express hands them to the verifier. */
function parts(url: string): [string, Record<string, string>] {
  const parsed = new URL(url, 'http://localhost');
  return [parsed.pathname, Object.fromEntries(parsed.searchParams)];
}

describe('signed URLs', () => {
  const signer = new UrlSigner('test secret');

  test('a URL verifies exactly as signed, with or without parameters of its own', () => {
    for (const path of ['/runs/r1/animation.webp', '/runs/r1/animation.gif?fps=12&loop=loop']) {
      assert.equal(signer.verify(...parts(signer.sign(path))), true, path);
    }
    const [pathname, query] = parts(signer.sign('/runs/r1/animation.gif?loop=loop&fps=12'));
    const reordered = { fps: query['fps']!, exp: query['exp']!, sig: query['sig']!, loop: 'loop' };
    assert.equal(signer.verify(pathname, reordered), true, 'order does not matter');
  });

  test('fps or loop added or changed, or the path changed: refused', () => {
    const [pathname, query] = parts(signer.sign('/runs/r1/animation.webp'));
    assert.equal(signer.verify(pathname, { ...query, fps: '50' }), false, 'fps added');
    assert.equal(signer.verify(pathname, { ...query, loop: 'ping-pong' }), false, 'loop added');
    assert.equal(signer.verify('/runs/r2/animation.webp', query), false, 'another run');
    const [withFps, fpsQuery] = parts(signer.sign('/runs/r1/animation.webp?fps=10'));
    assert.equal(signer.verify(withFps, { ...fpsQuery, fps: '50' }), false, 'fps changed');
    const { fps: _fps, ...withoutFps } = fpsQuery;
    assert.equal(signer.verify(withFps, withoutFps), false, 'fps removed');
    assert.equal(signer.verify(withFps, { ...fpsQuery, fps: ['10', '50'] }), false, 'given twice');
  });

  test('expired or malformed: refused', () => {
    const [pathname, query] = parts(signer.sign('/files/a.png'));
    const later = new UrlSigner('test secret', () => (Number(query['exp']) + 1) * 1000);
    assert.equal(later.verify(pathname, query), false, 'expired');
    assert.equal(new UrlSigner('other secret').verify(pathname, query), false, 'another secret');
    assert.equal(signer.verify(pathname, { ...query, sig: 'x' }), false);
    assert.equal(signer.verify(pathname, { ...query, exp: 'soon' }), false);
  });
});
