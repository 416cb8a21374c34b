"""The statements of a final-account report (决算报表), read from its tables.

`nlp.accounts.raw` finds the tables (`RawTable`: cells, caption, page) in a
PDF's statement pages or in lines of tab-separated cells; `forms` names the
nine standard statements and their provincial variants, as data;
`statements` reads a recognised table into typed rows (`Statement`, `Row`;
amounts in 万元) that the figures rules (JS504…) check against each other
and against the narrative (`figures`: its totals; `shares`: its structure
shares; `names`: the unit's name on the cover, the headers and the text);
`chart` holds a row's code to the national chart of accounts
(nlp/data/*_codes.tsv).
"""
from nlp.accounts.forms import BY_KEY, FORMS, Form
from nlp.accounts.raw import RawTable, pdf_tables, text_tables
from nlp.accounts.statements import Row, Statement, amount, form_by_key, read_statements

__all__ = ["BY_KEY", "FORMS", "Form", "RawTable", "Row", "Statement", "amount", "form_by_key", "pdf_tables",
           "read_statements", "text_tables"]
