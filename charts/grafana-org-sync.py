"""Keeps one Grafana organization per team, as `npm run synth` describes them.

Grafana OSS gives each organization its own data sources, dashboards and members, but cannot
provision organizations from files (grafana/grafana issue 12119), and a provisioning file that
names an organization which does not exist stops Grafana from starting. So this runs beside
Grafana, in its pod, and works through Grafana's HTTP API as its admin: it lists and then watches
the ConfigMaps of its namespace labelled ORGANIZATION_LABEL, each naming a team and its
WebApplications (under TEAM_KEY, as JSON), fills the template of every team's organization
(the file ORGANIZATION_TEMPLATE, written by synth) with it, makes the organization if it is
missing, then creates or updates the organization's data sources and dashboards exactly as
filled. A name that is not a Kubernetes name (DNS-1123 label) is refused, so nothing a ConfigMap
holds can reach into the JSON or the queries beyond its own place. It deletes nothing: an
organization whose ConfigMap is gone stays for an administrator to remove. When Grafana loses an
organization (a pod without a volume restarted), or the template changes, the next pass applies
it again.

Standard library only: it runs on the Python of the Grafana chart's own sidecar image.

Environment: GRAFANA_URL, GRAFANA_USER, GRAFANA_PASSWORD, NAMESPACE, ORGANIZATION_LABEL,
TEAM_KEY, ORGANIZATION_TEMPLATE; KUBERNETES_API and SERVICE_ACCOUNT_DIR default to the in-cluster
ones. `--once` applies every ConfigMap once and exits: 0 when all were applied, 1 otherwise.
"""

import base64
import json
import os
import re
import ssl
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

# The watch ends after this long without an event, and the organizations are checked again.
WATCH_SECONDS = 300
# After a failure, how long until the next try.
RETRY_SECONDS = 10
# Grafana's dashboard grid is 24 columns wide.
COLUMNS = 24
# A Kubernetes name (DNS-1123 label), as namespaces and the teams' objects are named.
KUBERNETES_NAME = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")


def log(message):
    print(f"org-sync: {message}", flush=True)


class ApplyError(Exception):
    """Grafana refused or did not answer a request: the organization is tried again later."""


class Grafana:
    """Grafana's HTTP API, as its server admin (basic auth)."""

    def __init__(self, url, user, password):
        self.url = url.rstrip("/")
        self.user = user
        token = base64.b64encode(f"{user}:{password}".encode()).decode()
        self.authorization = f"Basic {token}"

    def call(self, method, path, body=None, org_id=None):
        """(status, decoded JSON body) of one request; `org_id` picks the organization it acts in."""
        headers = {"Authorization": self.authorization, "Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if org_id is not None:
            headers["X-Grafana-Org-Id"] = str(org_id)
        request = urllib.request.Request(self.url + path, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, decode(response.read())
        except urllib.error.HTTPError as error:
            return error.code, decode(error.read())
        except (urllib.error.URLError, OSError) as error:
            raise ApplyError(f"Grafana at {self.url} does not answer {method} {path}: {error}") from error

    def expect(self, statuses, method, path, body=None, org_id=None):
        status, payload = self.call(method, path, body, org_id)
        if status not in statuses:
            message = payload.get("message") if isinstance(payload, dict) else None
            raise ApplyError(f"Grafana answered {method} {path} with {status}: {message or payload}")
        return status, payload

    def organization_names(self):
        _, organizations = self.expect((200,), "GET", "/api/orgs?perpage=1000000")
        return {organization["name"] for organization in organizations}

    def organization(self, name):
        """The id of the organization `name`, made if missing, with the admin as a member."""
        status, payload = self.expect((200, 404), "GET", "/api/orgs/name/" + urllib.parse.quote(name, safe=""))
        if status == 200:
            org_id = payload["id"]
        else:
            _, created = self.expect((200,), "POST", "/api/orgs", {"name": name})
            org_id = created["orgId"]
            log(f"made organization {name} ({org_id})")
        # X-Grafana-Org-Id acts in an organization only for its members; 409: already one.
        self.expect((200, 409), "POST", f"/api/orgs/{org_id}/users", {"loginOrEmail": self.user, "role": "Admin"})
        return org_id

    def data_source(self, org_id, source):
        uid = urllib.parse.quote(source["uid"], safe="")
        status, _ = self.expect((200, 404), "GET", f"/api/datasources/uid/{uid}", org_id=org_id)
        if status == 200:
            self.expect((200,), "PUT", f"/api/datasources/uid/{uid}", source, org_id)
        else:
            self.expect((200,), "POST", "/api/datasources", source, org_id)

    def dashboard(self, org_id, dashboard):
        body = {"dashboard": {**dashboard, "id": None}, "overwrite": True, "message": "provisioned from Git by mini-atlas"}
        self.expect((200,), "POST", "/api/dashboards/db", body, org_id)

    def apply(self, organization):
        org_id = self.organization(organization["name"])
        for source in organization["dataSources"]:
            self.data_source(org_id, source)
        for dashboard in organization["dashboards"]:
            self.dashboard(org_id, dashboard)


def decode(raw):
    try:
        return json.loads(raw or b"null")
    except ValueError:
        return raw.decode(errors="replace")


def kubernetes_name(value, what):
    """`value` when it is a Kubernetes name (DNS-1123 label); ValueError otherwise."""
    if not isinstance(value, str) or len(value) > 63 or not KUBERNETES_NAME.fullmatch(value):
        raise ValueError(f"the {what} name {value!r} is not a Kubernetes name (DNS-1123 label)")
    return value


def organization(template, team):
    """The organization of `team` (a ConfigMap's JSON: its name and WebApplications), from the template."""
    name = kubernetes_name(team["name"], "team")
    placeholders = template["placeholders"]
    of_team = {placeholders["team"]: name}
    panels = fill(template["dashboard"]["panels"], of_team)
    for application in team["webApplications"]:
        of_application = {**of_team, placeholders["application"]: kubernetes_name(application["name"], "application")}
        scraped = application["metrics"]
        if not isinstance(scraped, bool):
            raise ValueError(f"metrics of {application['name']} is {scraped!r}, not true or false")
        panels += [fill(entry["panel"], of_application) for entry in template["applicationPanels"] if scraped or not entry["scrapedOnly"]]
    dashboard = {**fill(template["dashboard"], of_team), "panels": lay_out(panels)}
    return {"name": name, "dataSources": fill(template["dataSources"], of_team), "dashboards": [dashboard]}


def fill(value, names):
    """`value` with each placeholder in its strings replaced by its name. A name holds no character
    of a placeholder, so what one replacement put in, the next cannot touch."""
    if isinstance(value, str):
        for placeholder, name in names.items():
            value = value.replace(placeholder, name)
        return value
    if isinstance(value, list):
        return [fill(item, names) for item in value]
    if isinstance(value, dict):
        return {key: fill(item, names) for key, item in value.items()}
    return value


def lay_out(panels):
    """Panels numbered from 1 and placed left to right: one that does not fit in what is left of
    the row starts the next (as layOut in charts/grafana-dashboards.ts)."""
    x = y = 0
    placed = []
    for number, panel in enumerate(panels, 1):
        width, height = panel["gridPos"]["w"], panel["gridPos"]["h"]
        if x + width > COLUMNS:
            x, y = 0, y + height
        placed.append({"id": number, **panel, "gridPos": {"x": x, "y": y, "w": width, "h": height}})
        x += width
    return placed


class Template:
    """The template of every team's organization, read again when its file changes (the kubelet
    updates a mounted ConfigMap in place when a new platform version changes it)."""

    def __init__(self, path):
        self.path = path
        self.text = None
        self.value = None

    def reload(self):
        """True when the file is new or has changed since it was last read."""
        with open(self.path) as file:
            text = file.read()
        if text == self.text:
            return False
        self.value = json.loads(text)
        self.text = text
        return True


class Kubernetes:
    """The ConfigMaps of one namespace, read as the pod's ServiceAccount."""

    def __init__(self, api, account_dir, namespace, label):
        self.api = api.rstrip("/")
        with open(os.path.join(account_dir, "token")) as token:
            self.authorization = f"Bearer {token.read().strip()}"
        ca = os.path.join(account_dir, "ca.crt")
        self.context = ssl.create_default_context(cafile=ca) if self.api.startswith("https:") else None
        self.path = f"/api/v1/namespaces/{urllib.parse.quote(namespace)}/configmaps"
        self.selector = label

    def open(self, query, timeout):
        url = f"{self.api}{self.path}?{urllib.parse.urlencode({'labelSelector': self.selector, **query})}"
        request = urllib.request.Request(url, headers={"Authorization": self.authorization, "Accept": "application/json"})
        return urllib.request.urlopen(request, timeout=timeout, context=self.context)

    def list(self):
        """Every labelled ConfigMap, and the resource version to watch from."""
        items, query = [], {"limit": "500"}
        while True:
            with self.open(query, 60) as response:
                page = json.loads(response.read())
            items += page["items"]
            token = page["metadata"].get("continue")
            if not token:
                return items, page["metadata"]["resourceVersion"]
            query = {"limit": "500", "continue": token}

    def watch(self, version, seconds):
        """(type, object) of each change after `version`, until the server ends the watch after `seconds`."""
        query = {"watch": "1", "resourceVersion": version, "allowWatchBookmarks": "true", "timeoutSeconds": str(seconds)}
        with self.open(query, seconds + 30) as response:
            for line in response:
                if line.strip():
                    event = json.loads(line)
                    yield event["type"], event["object"]


class Sync:
    """What has been applied or refused, by ConfigMap name (each at a resource version), and what is
    still to apply."""

    def __init__(self, grafana, key, template):
        self.grafana = grafana
        self.key = key
        self.template = template
        self.applied = {}
        self.refused = {}
        self.pending = {}

    def offer(self, config_map):
        """Makes `config_map` pending unless it was applied or refused as it is."""
        name = config_map["metadata"]["name"]
        if version(config_map) not in (version(self.applied.get(name)), version(self.refused.get(name))):
            self.pending[name] = config_map

    def forget(self, config_map):
        name = config_map["metadata"]["name"]
        self.pending.pop(name, None)
        self.refused.pop(name, None)
        if self.applied.pop(name, None) is not None:
            log(f"{name} is gone: its organization stays until an administrator removes it")

    def recheck(self):
        """Applies again what Grafana has lost since (an organization no longer there), and
        everything when the template has changed."""
        if self.template.reload():
            log("the organization template changed: applying every organization again")
            self.pending.update({**self.refused, **self.applied})
            self.refused.clear()
            self.applied.clear()
            return
        present = self.grafana.organization_names()
        for name, config_map in list(self.applied.items()):
            team = json.loads(config_map["data"][self.key])
            if team["name"] not in present:
                del self.applied[name]
                self.pending[name] = config_map

    def apply_pending(self):
        """Applies every pending ConfigMap; True when none is left to try again. A ConfigMap the
        template cannot be filled with is refused until it changes."""
        for name, config_map in sorted(self.pending.items()):
            try:
                organization = self.filled(config_map)
            except (ValueError, KeyError, TypeError) as error:
                log(f"refused {name} until it changes: {error}")
                del self.pending[name]
                self.refused[name] = config_map
                continue
            try:
                self.grafana.apply(organization)
            except ApplyError as error:
                log(f"cannot apply {name} yet: {error}")
                continue
            del self.pending[name]
            self.applied[name] = config_map
            log(f"applied {name}: organization {organization['name']}")
        return not self.pending

    def filled(self, config_map):
        """The organization of the team `config_map` names."""
        team = json.loads(config_map.get("data", {}).get(self.key, ""))
        if not isinstance(team, dict):
            raise ValueError(f"{self.key} holds no JSON object")
        return organization(self.template.value, team)


def version(config_map):
    """The resource version of `config_map`, None for none."""
    return config_map["metadata"]["resourceVersion"] if config_map else None


def run_forever(kubernetes, sync):
    while True:
        try:
            items, version = kubernetes.list()
            for config_map in items:
                sync.offer(config_map)
            while True:
                # With something left to apply, the watch ends soon, and it is tried again.
                seconds = WATCH_SECONDS if sync.apply_pending() else RETRY_SECONDS
                for kind, item in kubernetes.watch(version, seconds):
                    version = item.get("metadata", {}).get("resourceVersion", version)
                    if kind in ("ADDED", "MODIFIED"):
                        sync.offer(item)
                    elif kind == "DELETED":
                        sync.forget(item)
                    elif kind == "ERROR":
                        raise ApplyError(f"the watch ended: {item.get('message')}")
                    if kind != "BOOKMARK":
                        sync.apply_pending()
                sync.recheck()
        except (ApplyError, OSError, ValueError, KeyError) as error:
            log(f"{error}; listing again in {RETRY_SECONDS}s")
            time.sleep(RETRY_SECONDS)


def main(arguments):
    environment = os.environ
    grafana = Grafana(environment["GRAFANA_URL"], environment["GRAFANA_USER"], environment["GRAFANA_PASSWORD"])
    kubernetes = Kubernetes(
        environment.get("KUBERNETES_API", "https://kubernetes.default.svc"),
        environment.get("SERVICE_ACCOUNT_DIR", "/var/run/secrets/kubernetes.io/serviceaccount"),
        environment["NAMESPACE"],
        environment["ORGANIZATION_LABEL"],
    )
    template = Template(environment["ORGANIZATION_TEMPLATE"])
    template.reload()
    sync = Sync(grafana, environment["TEAM_KEY"], template)
    if arguments[1:] == ["--once"]:
        items, _ = kubernetes.list()
        for config_map in items:
            sync.offer(config_map)
        return 0 if sync.apply_pending() and not sync.refused else 1
    run_forever(kubernetes, sync)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
