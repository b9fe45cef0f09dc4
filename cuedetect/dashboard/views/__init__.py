"""Streamlit layout of the dashboard's pages (thin: the logic is in cuedetect.dashboard's modules)."""
