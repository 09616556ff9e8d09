"""The scale-out check's rule for failures an instance's death may cause (bench/scale_out.py, run by hand)."""
from bench.scale_out import in_flight_on

KILLED, OTHER, AT = "127.0.0.1:8001", "127.0.0.1:8002", 100.0


def test_only_requests_the_killed_instance_was_handling_may_fail():
    cut_short = (99.8, 100.1, "GET", "/api/v1/x/snapshots", 0, f"{KILLED} (IncompleteRead)")
    accepted_post = (99.9, 100.2, "POST", "/api/v1/auth/token", 502, KILLED)
    on_the_other = (99.9, 100.2, "GET", "/registry/", 502, OTHER)
    on_a_longer_port = (99.9, 100.2, "GET", "/registry/", 502, KILLED + "1")
    unknown_sender = (99.9, 100.1, "GET", "/registry/", 0, "(ConnectionResetError)")
    finished_before = (98.0, 99.0, "GET", "/registry/", 500, KILLED)
    started_after = (101.0, 101.1, "GET", "/registry/", 502, KILLED)
    failed = [cut_short, accepted_post, on_the_other, on_a_longer_port, unknown_sender, finished_before, started_after]
    assert in_flight_on(KILLED, AT, failed) == [cut_short, accepted_post]
