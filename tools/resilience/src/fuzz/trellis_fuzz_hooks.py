"""schemathesis hooks of the Trellis fuzz run (loaded through SCHEMATHESIS_HOOKS).

For the defender's run, TRELLIS_FUZZ_FOREIGN_IDS holds ids of records of other organisations
(JSON: {"organisationId": [...], "engagementId": [...]}). Path parameters of those names are
then sometimes replaced by one of them, so the run asks for another organisation's records by
their real ids, not only for random ones; the test checks that no answer contains them.
"""

import json
import os

import schemathesis

_FOREIGN = json.loads(os.environ.get("TRELLIS_FUZZ_FOREIGN_IDS", "{}"))


@schemathesis.hook
def map_path_parameters(ctx, path_parameters):
    if not path_parameters or not _FOREIGN:
        return path_parameters
    for name, value in list(path_parameters.items()):
        ids = _FOREIGN.get(name)
        # Every other generated value becomes a real id of another organisation.
        if ids and hash(str(value)) % 2 == 0:
            path_parameters[name] = ids[hash(str(value)) % len(ids)]
    return path_parameters
