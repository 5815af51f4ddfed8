# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The wait options of the modules whose resources AWS creates, changes or deletes asynchronously."""

from __future__ import annotations


class ModuleDocFragment:
    # Each module sets the default of wait_timeout (how long its resource takes on AWS).
    DOCUMENTATION = r"""
options:
  wait:
    description:
      - Wait until a created or changed resource is ready, and a deleted one is gone.
      - A resource AWS reports as failed while waiting is an error that names it and gives AWS's reason.
      - With V(false) the module returns as soon as AWS accepted the request; a later run with V(true)
        waits for what is still in progress.
    type: bool
    default: true
  wait_timeout:
    description:
      - How many seconds to wait, each time the module waits for a step.
      - When the time is up the module fails, saying what it waited for and the status it saw last.
    type: int
"""
