"""What the app accepts and what its files may contain, each rule written once.

- `dates`: the earliest and latest date any form or command accepts;
- `text`: the length of free text, shown with the GOV.UK character count;
- `uploads`: the size of an uploaded file, refused before it is stored;
- `spreadsheets`: CSV and XLSX cells that a spreadsheet could run as a formula, written as text.
- `queueing`: handing work to the Celery broker, a broker fault reported, never raised;
- `runs`: when a background run has stopped (never queued, never started, its worker gone).

At the bottom of the layers: it imports no app.
"""
