-- Secret imports: a folder lists other folders (environment + path, in order) whose secrets a
-- read may include. The importing folder's own imports go with it (and with its environment);
-- deleting an imported folder or environment is refused by the server (409) before this cascade
-- could apply, except where the importer goes too.
CREATE TABLE secret_imports (
    id                    TEXT PRIMARY KEY,
    project_id            TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    environment_id        TEXT NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
    path                  TEXT NOT NULL,
    import_environment_id TEXT NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
    import_path           TEXT NOT NULL,
    position              INTEGER NOT NULL,
    created_at            INTEGER NOT NULL,
    UNIQUE (environment_id, path, import_environment_id, import_path),
    FOREIGN KEY (environment_id, path) REFERENCES folders(environment_id, path) ON DELETE CASCADE
) STRICT;

CREATE INDEX secret_imports_by_project ON secret_imports (project_id);
