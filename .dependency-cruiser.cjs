/**
 * Module boundaries, checked by `npm run boundaries`: repositories own SQL, and modules meet at
 * their exported services, never at each other's entities, repositories or tables. A failing rule
 * names the two files.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'no-foreign-entity-or-repository',
      severity: 'error',
      comment:
        "A module reaches another module's data only through that module's exported service: importing its entity or repository couples you to its tables. Ask the owning module for a service method (and move shared types to its <feature>.types.ts).",
      from: { path: '^src/modules/([^/]+)/' },
      to: { path: '^src/modules/[^/]+/.+[.](entity|repository)[.]ts$', pathNot: '^src/modules/$1/' },
    },
    {
      name: 'no-features-in-shared-layers',
      severity: 'error',
      comment:
        'common/, infrastructure/ and config/ are below the feature modules: they must not depend on a module. Move the shared piece down, or have the module hand it in.',
      // Except the entity list TypeORM loads: like app.module.ts it is where the modules are put together.
      from: { path: '^src/(common|infrastructure|config)/', pathNot: '^src/infrastructure/database/entities[.]ts$' },
      to: { path: '^src/modules/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'A cycle leaves some import undefined while the other half is still loading (decorator metadata reads classes at load time). Break it. ' +
        'Cycles closed only by `import type` are let through: tsc erases those imports, so no such cycle exists at run time ' +
        '(each one found here, e.g. documents.catalogue.ts <-> documents.fr.ts, was checked against the emitted JS).',
      from: { path: '^src/' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    // The server only: the web apps and the tests have their own rules.
    includeOnly: '^src/',
    exclude: { path: '^(web|test)/' },
    doNotFollow: { path: 'node_modules' },
    // Sees `import type` too, so a type-only import of another module's entity is caught.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
