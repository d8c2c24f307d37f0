"""IEP progress reports (docs/progress.md, "IEP progress reports").

codes.py     the district's words for the four codes; the code a goal's data suggests
document.py  what a report shows, as plain data (a draft's live, a signed one's frozen)
draft.py     building documents from the record (goals, data, ledger, strategies)
selectors.py the caseload's reports for a period, `reports_due`, a student's reports
services.py  drafting, editing, signing, amending, sharing; the district's code words
access.py    who reads or changes a report
pdf.py       one report, or a caseload's, as a PDF (reportlab)
views.py, forms.py, demo.py
"""
