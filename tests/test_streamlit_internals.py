"""The one piece of Streamlit's insides the tests lean on, named, so an upgrade that moves it fails here."""
from __future__ import annotations

import functools
import inspect

from tests.conftest import scan_streamlit_components_once


def test_the_component_scan_the_tests_keep_is_where_they_expect_it():
    """``conftest.scan_streamlit_components_once`` keeps Streamlit's scan of installed packages for the run;
    if Streamlit renames the function, every page test would quietly pay 0.8 s again."""
    from streamlit.components.v2 import component_manager, manifest_scanner

    scan_streamlit_components_once()
    assert isinstance(manifest_scanner.scan_component_manifests, functools._lru_cache_wrapper)
    source = component_manager.BidiComponentManager.discover_and_register_components
    assert "scan_component_manifests" in inspect.getsource(source)  # read from the module at call time
