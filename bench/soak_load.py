"""The soak's load: curators, officials and the public driven at a fixed request rate by one asyncio client."""
import asyncio
import json
import random
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import aiohttp

from bench.harness import percentiles
from bench.soak_answers import difference, shown_to
from registry.demo.values import profile, values_for

#: Share of request slots per kind of user (a curator slot that finds nothing to edit reads its report).
MIX = {"search": 0.35, "curator": 0.40, "curator_read": 0.05, "official": 0.20}
#: Share of saves sent twice at once with the same version (two browser tabs): one must win, one must get 409.
CONFLICT_SHARE = 0.02
#: Share of reviews that return the report (the rest accept it).
RETURN_SHARE = 0.5
#: Share of drafts saved incomplete (never the save right before a submit: `submit` needs every value).
PARTIAL_SHARE = 0.3
EDITABLE = ("draft", "returned")
#: The audit action each acknowledged write leaves (monitoring.services).
ACTIONS = {"PUT submission": "submission.saved", "POST submit": "submission.submitted", "POST return":
           "submission.returned", "POST accept": "submission.accepted", "POST reopen": "submission.reopened"}


@dataclass
class Org:
    """One organization as the load script last saw it acknowledged."""

    code: str
    municipality: str
    token: str
    org_type: str
    status: str = "draft"
    version: int = 0
    values: dict = field(default_factory=dict)
    busy: bool = False
    lost: bool = False  # a write without a clear answer: its state is unknown from here on
    saves: int = 0
    goal: int = 1


@dataclass
class Official:
    municipality: str
    token: str
    queue: list[str] = field(default_factory=list)
    busy: bool = False


@dataclass
class Ledger:
    """What was sent and what came back: latencies and answers per route, acknowledged writes, mismatches."""

    latencies: dict = field(default_factory=lambda: defaultdict(list))
    answers: Counter = field(default_factory=Counter)  # (route, status)
    expected: Counter = field(default_factory=Counter)  # (route, status) refusals the script provoked
    errors: Counter = field(default_factory=Counter)  # (route, status, error code)
    acked: Counter = field(default_factory=Counter)  # audit action → acknowledged writes
    mismatches: list = field(default_factory=list)

    def error(self, route: str, status: int, body) -> None:
        code = body.get("error", {}).get("code", "?") if isinstance(body, dict) else "?"
        self.errors[(route, status, code)] += 1

    def table(self) -> dict:
        """Per route: requests, provoked refusals (409 of a conflicting pair), unexpected answers, percentiles."""
        return {route: {"count": len(ms),
                        "expected": sum(n for (r, _), n in self.expected.items() if r == route),
                        "errors": sum(n for (r, _, _), n in self.errors.items() if r == route), **percentiles(ms)}
                for route, ms in sorted(self.latencies.items())}


class Load:
    """The deadline-hour model: every request slot becomes one request (a conflicting pair takes two)."""

    def __init__(self, base: str, campaign_url: str, orgs: list[Org], officials: list[Official],
                 search_paths: list[str], *, seed: int = 11):
        self.base, self.campaign_url = base, campaign_url
        self.orgs, self.officials, self.search_paths = orgs, officials, search_paths
        self.rng = random.Random(seed)
        self.profiles = {o.code: profile(self.rng, o.org_type) for o in orgs}
        self.by_municipality = defaultdict(dict)
        for org in orgs:
            self.by_municipality[org.municipality][org.code] = org
        self.ledger = Ledger()
        self.session: aiohttp.ClientSession | None = None

    async def call(self, route: str, method: str, path: str, token: str | None = None, body=None):
        """Send one request; return (status, JSON body); a transport failure reads as status 0."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        started = time.perf_counter()
        try:
            async with self.session.request(method, self.base + path, json=body, headers=headers) as resp:
                status, text = resp.status, await resp.text()
            answer = json.loads(text) if text else None
        except (aiohttp.ClientError, TimeoutError) as exc:
            status, answer = 0, {"error": {"code": type(exc).__name__}}
        except ValueError:
            answer = {"error": {"code": "not_json"}}  # an HTML error page: a server error, not the API
        self.ledger.latencies[route].append((time.perf_counter() - started) * 1000)
        self.ledger.answers[(route, status)] += 1
        return status, answer

    async def run(self, seconds: float, rate: float, concurrency: int) -> dict:
        """Drive the mix for `seconds` at `rate` requests/s with at most `concurrency` requests in flight."""
        connector = aiohttp.TCPConnector(limit=concurrency + 2)
        timeout = aiohttp.ClientTimeout(total=60)
        kinds, weights = zip(*MIX.items(), strict=True)
        in_flight: set[asyncio.Task] = set()
        slot_freed = asyncio.Event()

        def finished(task: asyncio.Task) -> None:
            in_flight.discard(task)
            slot_freed.set()

        async with aiohttp.ClientSession(connector=connector, timeout=timeout) as self.session:
            loop = asyncio.get_running_loop()
            start = loop.time()
            sent = 0
            while (now := loop.time()) - start < seconds:
                if len(in_flight) >= concurrency:  # the server is behind: wait for an answer, no busy polling
                    slot_freed.clear()
                    await slot_freed.wait()
                    continue
                due = start + sent / rate
                if due > now:
                    await asyncio.sleep(due - now)
                    continue
                action, cost = self.pick(self.rng.choices(kinds, weights)[0])
                sent += cost
                task = asyncio.create_task(action)
                in_flight.add(task)
                task.add_done_callback(finished)
            drive = loop.time() - start
            await asyncio.gather(*in_flight)
            elapsed = loop.time() - start
        return {"drive_s": round(drive, 1), "elapsed_s": round(elapsed, 1), "sent": sent}

    def _free(self, candidates) -> list:
        return [c for c in candidates if not c.busy and not getattr(c, "lost", False)]

    def pick(self, kind: str):
        """Choose the next action of `kind` and mark its actor busy; return (coroutine, requests it sends)."""
        if kind == "official":
            official = self.rng.choice(self._free(self.officials) or [None])
            if official is not None:
                official.busy = True
                return self.review(official), 1
        if kind == "curator":
            editable = self._free(o for o in self.orgs if o.status in EDITABLE)
            if editable:
                org = self.rng.choice(editable)
                org.busy = True
                if org.saves >= org.goal:
                    return self.submit(org), 1
                if self.rng.random() < CONFLICT_SHARE:
                    return self.conflicting_saves(org), 2
                return self.save(org), 1
        if kind in ("curator", "curator_read", "official"):
            free = self._free(self.orgs)
            if free:
                org = self.rng.choice(free)
                org.busy = True
                return self.read(org), 1
        return self.search(), 1

    def _values(self, org: Org) -> dict:
        values = values_for(self.rng, self.profiles[org.code], participation=self.rng.uniform(0.35, 0.8))
        if org.saves + 1 < org.goal and self.rng.random() < PARTIAL_SHARE:
            keep = self.rng.sample(sorted(values), k=len(values) // 2)
            values = {k: values[k] for k in sorted(keep)}
        return values

    def _url(self, org: Org, suffix: str = "") -> str:
        return f"{self.campaign_url}/submissions/{org.code}{suffix}"

    def _acknowledge(self, org: Org, route: str, answer: dict, status: str, values: dict | None = None) -> None:
        """Record an acknowledged write and check its answer: the next version, the status, the values sent."""
        want_values = org.values if values is None else values
        differs = difference(shown_to(route, want_values), answer.get("values") or {})
        if (answer.get("version"), answer.get("status")) != (org.version + 1, status) or differs:
            self.ledger.mismatches.append({"org": org.code, "route": route, "expected": [org.version + 1, status],
                                           "answer": [answer.get("version"), answer.get("status")], "values": differs})
        org.version, org.status, org.values = answer.get("version"), status, want_values
        self.ledger.acked[ACTIONS[route]] += 1

    def _unexpected(self, org: Org | None, route: str, status: int, answer) -> None:
        self.ledger.error(route, status, answer)
        if org is not None and route in ACTIONS:
            org.lost = True  # the write may or may not have happened

    async def save(self, org: Org) -> None:
        values = self._values(org)
        status, answer = await self.call("PUT submission", "PUT", self._url(org), org.token,
                                         {"values": values, "version": org.version})
        if status == 200:
            self._acknowledge(org, "PUT submission", answer, "draft", values)
            org.saves += 1
        else:
            self._unexpected(org, "PUT submission", status, answer)
        org.busy = False

    async def conflicting_saves(self, org: Org) -> None:
        """Two tabs save on the same version at once: exactly one is acknowledged, the other is told 409."""
        first, second = self._values(org), self._values(org)
        results = await asyncio.gather(*(
            self.call("PUT submission", "PUT", self._url(org), org.token, {"values": v, "version": org.version})
            for v in (first, second)))
        statuses = sorted(status for status, _ in results)
        if statuses == [200, 409]:
            won = 0 if results[0][0] == 200 else 1
            loser = results[1 - won][1]
            if loser.get("error", {}).get("code") != "version_conflict":
                self.ledger.mismatches.append({"org": org.code, "route": "PUT submission", "loser": loser})
            self.ledger.expected[("PUT submission", 409)] += 1
            self._acknowledge(org, "PUT submission", results[won][1], "draft", (first, second)[won])
            org.saves += 1
        else:
            self.ledger.mismatches.append({"org": org.code, "route": "PUT submission (pair)", "statuses": statuses})
            for status, answer in results:
                if status != 200:
                    self._unexpected(org, "PUT submission", status, answer)
            org.lost = True
        org.busy = False

    async def submit(self, org: Org) -> None:
        status, answer = await self.call("POST submit", "POST", self._url(org, "/submit"), org.token,
                                         {"version": org.version})
        if status == 200:
            self._acknowledge(org, "POST submit", answer, "submitted")
            org.saves, org.goal = 0, self.rng.randint(1, 3)
        else:
            self._unexpected(org, "POST submit", status, answer)
        org.busy = False

    async def read(self, org: Org) -> None:
        status, answer = await self.call("GET submission", "GET", self._url(org), org.token)
        if status != 200:
            self._unexpected(None, "GET submission", status, answer)
        elif (answer["version"], answer["status"], answer["values"]) != (org.version, org.status, org.values):
            self.ledger.mismatches.append({"org": org.code, "route": "GET submission", "model": [org.version,
                                           org.status], "answer": [answer["version"], answer["status"]]})
        org.busy = False

    async def review(self, official: Official) -> None:
        """Decide the next queued report; with none, reopen an accepted one (the more accepted, the likelier: it
        keeps work flowing back to the curators for the whole run) or read the queue again."""
        mine = self.by_municipality[official.municipality]
        while official.queue:
            org = mine[official.queue.pop(0)]
            if org.status == "submitted" and not org.busy and not org.lost:
                await self.decide(org, "POST return" if self.rng.random() < RETURN_SHARE else "POST accept",
                                  official)
                official.busy = False
                return
        accepted = self._free(o for o in mine.values() if o.status == "accepted")
        if accepted and self.rng.random() < len(accepted) / len(mine):
            await self.decide(self.rng.choice(accepted), "POST reopen", official)
        else:
            before = {code: (o.version, o.busy) for code, o in mine.items()}
            status, answer = await self.call("GET submissions (queue)", "GET",
                                             f"{self.campaign_url}/submissions?status=submitted", official.token)
            if status == 200:
                official.queue = [item["organization"] for item in answer]
                self._check_queue(mine, before, {item["organization"]: item["version"] for item in answer})
            else:
                self._unexpected(None, "GET submissions (queue)", status, answer)
        official.busy = False

    def _check_queue(self, mine: dict, before: dict, listed: dict) -> None:
        """The queue holds exactly the submitted reports, at their versions (those untouched during the read)."""
        for code, org in mine.items():
            if before[code] != (org.version, False) or org.busy or org.lost:
                continue  # written while the queue was read: either answer is right
            if listed.get(code) != (org.version if org.status == "submitted" else None):
                self.ledger.mismatches.append({"org": code, "route": "GET submissions (queue)",
                                               "model": [org.version, org.status], "listed": listed.get(code)})

    async def decide(self, org: Org, route: str, official: Official) -> None:
        org.busy = True
        action = route.split()[1]
        body = {"comment": "Сверьте численность наставников с кадровым учётом."} if action != "accept" else None
        status, answer = await self.call(route, "POST", self._url(org, f"/{action}"), official.token, body)
        if status == 200:
            after = {"return": "returned", "accept": "accepted", "reopen": "submitted"}[action]
            self._acknowledge(org, route, answer, after)
            org.saves, org.goal = 0, self.rng.randint(1, 3)
        else:
            self._unexpected(org, route, status, answer)
        org.busy = False

    async def search(self) -> None:
        status, answer = await self.call("GET public/mentors", "GET", self.rng.choice(self.search_paths))
        if status != 200:
            self._unexpected(None, "GET public/mentors", status, answer)

