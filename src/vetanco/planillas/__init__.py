"""Spreadsheets in and out: CSV and XLSX files for exports and bulk imports."""
