"""On PostgreSQL, refuse UPDATE and DELETE on the append-only audit tables.

The admin already offers no change or delete; this stops everything else, from a
bug in the portal to a stray query in a database shell, short of a superuser who
drops the trigger (which PostgreSQL logs). TRUNCATE is left alone: it is what test
databases use between tests, and not something the portal ever runs. SQLite, the
embedded default for trying the portal, has no equivalent and is skipped.
"""

from django.db import migrations

APPEND_ONLY_TABLES = ("audit_accessevent", "audit_permissionchange")

CREATE_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit records cannot be changed or deleted (table %%)',
        TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""

CREATE_TRIGGER = """
CREATE TRIGGER {table}_append_only
    BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
"""

DROP_TRIGGER = "DROP TRIGGER IF EXISTS {table}_append_only ON {table};"
DROP_FUNCTION = "DROP FUNCTION IF EXISTS audit_refuse_change();"


def add_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(CREATE_FUNCTION)
    for table in APPEND_ONLY_TABLES:
        schema_editor.execute(CREATE_TRIGGER.format(table=table))


def remove_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in APPEND_ONLY_TABLES:
        schema_editor.execute(DROP_TRIGGER.format(table=table))
    schema_editor.execute(DROP_FUNCTION)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(add_triggers, remove_triggers)]
