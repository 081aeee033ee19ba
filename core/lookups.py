"""`field__any=values`: field = ANY(%s) with the values as one array parameter.

`__in` writes a placeholder per value; an import asks about tens of thousands of ID numbers
and household numbers at once, and building and parsing that SQL cost more than the query."""

from django.core.exceptions import EmptyResultSet
from django.db.models import Field, ForeignObject, Lookup, Model


@ForeignObject.register_lookup  # relations keep their own lookups
@Field.register_lookup
class AnyOf(Lookup):
    lookup_name = "any"
    prepare_rhs = False

    def get_prep_lookup(self):
        prepare = self.lhs.output_field.get_prep_value
        # As with __in, None matches nothing (and a NULL in the array would make NOT ... NULL).
        return [
            prepare(value.pk if isinstance(value, Model) else value)
            for value in self.rhs
            if value is not None
        ]

    def as_sql(self, compiler, connection):
        if not self.rhs:
            raise EmptyResultSet
        lhs, lhs_params = self.process_lhs(compiler, connection)
        if connection.vendor == "postgresql":
            # As the column's type: psycopg sends small numbers as smallint[], and comparing a
            # bigint column with that array scanned it linearly for every row (20 s for 20,000
            # households' members out of 500,000), where the same type is hashed or indexed.
            array_type = self.lhs.output_field.cast_db_type(connection)
            return f"{lhs} = ANY(%s::{array_type}[])", [*lhs_params, self.rhs]
        placeholders = ", ".join(["%s"] * len(self.rhs))
        return f"{lhs} IN ({placeholders})", [*lhs_params, *self.rhs]
