"""The 报表 (reports) screen: ui/reports/view.py; its chart: ui/reports/chart.py."""
