"""Stand-in for the get-pip.py that ansible-test downloads from a host CI cannot reach.

ansible-test runs this inside each fresh virtual environment it builds, with pip's install options
and packages as arguments: bootstrap pip from the interpreter's bundled wheel, then install.
"""

import subprocess
import sys

GET_PIP_ONLY_OPTIONS = {"--no-setuptools", "--no-wheel"}


def main() -> None:
    subprocess.check_call([sys.executable, "-m", "ensurepip", "--upgrade", "--default-pip"])
    arguments = [argument for argument in sys.argv[1:] if argument not in GET_PIP_ONLY_OPTIONS]
    subprocess.check_call([sys.executable, "-m", "pip", "install", *arguments])  # noqa: S603


if __name__ == "__main__":
    main()
