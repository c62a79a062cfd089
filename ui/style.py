"""The few styles every page shares, added once per run by app.py."""
import streamlit as st

CSS = """<style>
.gw-passage {font-size: 0.92rem; line-height: 1.5; padding: 0.1rem 0.6rem; border-left: 3px solid #2f6f4f55;}
.gw-page {font-size: 0.95rem; line-height: 1.6;}
.gw-passage mark, .gw-page mark, .gw-doc mark {background: #fde68a; padding: 0 0.1em; border-radius: 2px;}
.gw-fold details {display: inline;}
.gw-fold summary {display: inline; cursor: pointer; color: #2f6f4f; font-weight: 600; margin-left: 0.3em;
  list-style: none;}
.gw-fold summary::-webkit-details-marker {display: none;}
.gw-fold details[open] {display: block;}
.gw-fold details[open] summary {display: block; margin: 0.2rem 0 0 0;}
.gw-fold:has(details[open]) .gw-ellipsis, .gw-fold details[open] .gw-more,
.gw-fold details:not([open]) .gw-less {display: none;}
.gw-sheet {overflow: auto; max-height: 75vh; background: #f1f1ef; padding: 8px; border-radius: 6px;}
.gw-sheet img {display: block; margin: 0 auto; box-shadow: 0 1px 4px #0003; background: #fff;}
.gw-doc {font-size: 0.95rem; line-height: 1.55; border: 1px solid #e6e6e3; border-radius: 6px;
  padding: 0.4rem 1rem; max-height: 70vh; overflow: auto;}
.gw-doc h3, .gw-doc h4, .gw-doc h5 {margin: 0.6rem 0 0.3rem 0; padding: 0;}
.gw-doc table.gw-table {border-collapse: collapse; margin: 0.4rem 0 0.8rem 0; font-size: 0.88rem;}
.gw-doc table.gw-table th, .gw-doc table.gw-table td {border: 1px solid #d6d6d2; padding: 0.25rem 0.5rem;
  vertical-align: top; text-align: left;}
.gw-doc table.gw-table th {background: #f3f3f0;}
.gw-doc table.gw-table tr.gw-hit td {background: #fde68a;}
</style>"""


def inject() -> None:
    st.html(CSS)
