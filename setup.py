"""The optional native part of the package (everything else is configured in pyproject.toml).

studio/engine/fomm/_winograd_native.c speeds up the fomm generator's Winograd convolutions on the CPU. It is
built where a C compiler and POSIX threads exist; when the build fails the install goes on without it and
the same convolutions run as torch operations (docs/fomm.md, "Speed").
"""

import os

from setuptools import Extension, setup

NATIVE = [
    Extension(
        "studio.engine.fomm._winograd_native",
        sources=["studio/engine/fomm/_winograd_native.c"],
        extra_compile_args=["-O3", "-std=c11", "-pthread"],
        extra_link_args=["-pthread"],
        optional=True,
    )
]

setup(ext_modules=NATIVE if os.name == "posix" else [])
