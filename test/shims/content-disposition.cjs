// Jest on Node 20 cannot require() an ES module, and @fastify/static (the file server of Swagger UI
// and of the web apps) requires content-disposition 3, which is one. Outside Jest, Node 20.19 loads
// the real package. Lethe never sends a file as an attachment through it (its downloads set their
// own Content-Disposition), so in the tests this stands in for the package, in its version 3 shape
// ({ create, parse }) and its version 1 shape (a function: koa's, under the test OIDC provider).
'use strict';

function create(filename) {
  if (filename === undefined) return 'attachment';
  return `attachment; filename="${String(filename).replace(/[^\x20-\x7e]|["\\]/g, '_')}"`;
}

function parse() {
  throw new Error('content-disposition parse() is not available under Jest (test/shims/content-disposition.cjs)');
}

module.exports = Object.assign((filename) => create(filename), { create, parse });
