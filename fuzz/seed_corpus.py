#!/usr/bin/env python3
"""Writes fuzz/corpus/<target>/: the seed inputs of each fuzz target.

Seeds are drawn from the unit tests' inputs (string literals of the tests
next to each parser, src/*/testdata, mock/machines) plus a few hand-written
objects, each followed by the trailing bytes the target reads its selector
and options from (FuzzedDataProvider takes integers from the end of the
input). Regression inputs found by fuzzing live in the same directories
under names starting with "regression-" and are kept when this is rerun.

  fuzz/seed_corpus.py        # from the repository root
"""

import hashlib
import pathlib
import re
import struct

ROOT = pathlib.Path(__file__).resolve().parent.parent
SRC = ROOT / "src"
CORPUS = ROOT / "fuzz" / "corpus"
MAX_SEED = 16 << 10

_ESCAPES = {"n": b"\n", "t": b"\t", "r": b"\r", "\\": b"\\",
            '"': b'"', "'": b"'", "?": b"?", "a": b"\a", "b": b"\b",
            "f": b"\f", "v": b"\v"}
_LITERAL = re.compile(
    r'R"(?P<delim>[^(\s]{0,16})\((?P<raw>.*?)\)(?P=delim)"|"(?P<plain>(?:[^"\\\n]|\\.)*)"',
    re.S)


def _unescape(text):
    out, i = bytearray(), 0
    while i < len(text):
        c = text[i]
        if c != "\\":
            out += c.encode()
            i += 1
        elif text[i + 1] == "x":
            m = re.match(r"[0-9a-fA-F]+", text[i + 2:])
            out.append(int(m.group(0), 16) & 0xFF)
            i += 2 + len(m.group(0))
        elif text[i + 1] in "01234567":
            m = re.match(r"[0-7]{1,3}", text[i + 1:])
            out.append(int(m.group(0), 8) & 0xFF)
            i += 1 + len(m.group(0))
        else:
            out += _ESCAPES.get(text[i + 1], text[i + 1].encode())
            i += 2
    return bytes(out)


def literals(*paths, min_len=4):
    """The string literals of C++ files, adjacent ones joined."""
    found = []
    for path in paths:
        code = re.sub(r"//[^\n]*", "", (SRC / path).read_text())
        pieces, last_end = [], None
        for m in _LITERAL.finditer(code):
            value = m.group("raw").encode() if m.group("raw") is not None else _unescape(m.group("plain"))
            if last_end is not None and code[last_end:m.start()].strip() == "":
                pieces[-1] += value
            else:
                pieces.append(value)
            last_end = m.end()
        found += [p for p in pieces if min_len <= len(p) <= MAX_SEED]
    return found


def write(target, seeds):
    directory = CORPUS / target
    directory.mkdir(parents=True, exist_ok=True)
    for old in directory.iterdir():
        if not old.name.startswith("regression-"):
            old.unlink()
    unique = {hashlib.sha1(s).hexdigest()[:16]: s for s in seeds}
    for name, seed in unique.items():
        (directory / name).write_bytes(seed)
    print(f"{target}: {len(unique)} seeds")


def main():
    config = literals("config/config_file_test.cc", "config/config_test.cc",
                      "config/sharing_test.cc")
    config = [t for t in config if b":" in t]
    write("config_fuzzer", [t + bytes([user]) for t in config for user in (0, 1)])

    write("http_request_fuzzer",
          [t + b"\0" for t in literals("http/request_parser_test.cc")] +
          [t + bytes([64, 200, 1]) for t in literals("http/request_parser_test.cc")[:8]])

    host = [t + b"\0" for t in literals("hostfs/mountinfo_test.cc")]
    host += [t + b"\1" for t in literals("hostfs/mig_minors_test.cc")]
    host += [t + struct.pack("<I", 1023) + b"\3" for t in literals("hostfs/decimal_test.cc", min_len=1)]
    host += [b"/run/nvidia/driver\\n/run/nvidia/driver\\n/\\n/run/nvidia/driver/usr/lib64/libcuda.so.1\4",
             b"/home/kubernetes/bin/nvidia\\n/\\n/usr/local/nvidia\\n0000:3b:00.0\4"]
    host += [p.read_bytes() + b"\5" for p in (SRC / "cdi/testdata").glob("ld.so.cache*")]
    host += [_pci_config() + bytes([9, 2]), _pci_config()[:64] + bytes([9, 2])]
    host += [t + b"\6" for t in literals("doctor/toml_keys_test.cc", "doctor/runtime_config_test.cc")
             if b"=" in t or b"[" in t]
    host += [t + b"\7" for t in literals("labels/label_file_test.cc") if b"=" in t]
    write("host_files_fuzzer", host)

    kube = [t + b"\1\0" for t in literals("kube/kubeconfig_test.cc", "kube/client_config_test.cc")
            if b"clusters" in t or b"contexts" in t]
    kube += [t + b"\1" for t in literals("kube/watch_test.cc") if t.startswith(b"{")]
    kube += [t + b"\1" for t in _watch_lines()]
    kube += [t + b"\2" for t in _list_pages()]
    kube += [b"3\\x" + t + struct.pack("<H", 310) + b"\3"
             for t in literals("kube/http_status_test.cc") if t.startswith(b"{")]
    write("kube_api_fuzzer", kube)

    wire = literals("extender/wire_types_test.cc", "extender/fast_args_reader_test.cc")
    write("extender_wire_fuzzer",
          [t + bytes([sel]) for t in wire if t.lstrip().startswith((b"{", b"["))
           for sel in range(6)])

    objects = [p + bytes([event, 0]) for p in _pods() for event in (0, 1, 2)]
    objects += [n + b"\0\1" for n in _nodes()]
    objects += [t + b"\0\2" for t in literals("handoff/pod_decision_test.cc") if t.startswith(b"{")]
    objects += [t + b"\0\3" for t in literals("handoff/node_gpus_test.cc") if t.startswith(b"{")]
    objects += [t + b"\0\4" for t in literals("handoff/quantity_test.cc", min_len=1)]
    objects += [p + b"\0\5" for p in _pods()]
    objects += [t + b"\0\5" for t in literals("labels/node_feature_test.cc", "labels/node_feature_kube_test.cc")
                if t.startswith(b"{")]
    write("kube_objects_fuzzer", objects)

    specs = [p.read_bytes() for p in (SRC / "cdi/testdata").glob("*.yaml")]
    specs = [s + bytes([1, 1, 1, 0, 1]) for s in specs] + [s + bytes([0, 0, 1, 1, 1]) for s in specs]
    specs += [t + bytes([1, 0, 1, 1, 0]) for t in literals("cdi/spec_format_test.cc", "cdi/spec_file_test.cc")
              if t.lstrip().startswith(b"{")]
    specs += [t + bytes([1, 0, 1, 1, 1]) for t in literals("cdi/spec_format_test.cc", "cdi/spec_file_test.cc")
              if b"cdiVersion" in t and not t.lstrip().startswith(b"{")]
    write("cdi_spec_fuzzer", specs)

    gang = [t + bytes([sel]) for t in literals("gang/pod_membership_test.cc",
                                               "gang/pod_group_test.cc",
                                               "gang/group_status_test.cc")
            if t.startswith(b"{") for sel in (0, 1, 2)]
    gang += [p + b"\0" for p in _pods()]
    gang += [g + bytes([sel]) for g in _groups() for sel in (0, 1, 2)]
    gang += [q + b"\3" for q in _queues()]
    gang += [t + b"\4" for t in literals("gang/queue_spec_test.cc") if b"queues" in t]
    gang += [t + b"\5" for t in (b'{"nvidia.com/gpu":"4","cpu":"1500m","memory":"1Gi"}',
                                  b'{"gpulet.io/gpu-milli":500,"memory":2.5e9}')]
    write("gang_objects_fuzzer", gang)


def _groups():
    return [b'{"metadata":{"name":"pg","namespace":"team","uid":"u1","resourceVersion":"3"},'
            b'"spec":{"minMember":4,"queue":"research","minResources":{"nvidia.com/gpu":"8"},'
            b'"scheduleTimeoutSeconds":20},"status":{"phase":"Pending","conditions":'
            b'[{"type":"Unschedulable","status":"True","reason":"NotEnoughPods"}]}}',
            b'{"metadata":{"name":"job","namespace":"team","annotations":'
            b'{"scheduling.k8s.io/group-name":"pg","gpulet.io/group":"g",'
            b'"gpulet.io/group-min-member":"8","gpulet.io/queue":"batch"},'
            b'"labels":{"scheduling.x-k8s.io/pod-group":"pg"}},"spec":{"priority":5}}']


def _queues():
    return [b'{"metadata":{"name":"research"},"spec":{"weight":3,"capability":'
            b'{"nvidia.com/gpu":16,"cpu":"64"},"guarantee":{"resource":{"nvidia.com/gpu":"4"}},'
            b'"reclaimable":false},"status":{"state":"Open"}}']


def _pci_config():
    """A 256-byte config space: NVIDIA vendor id, capability list with a
    power-management capability and a vendor-specific one."""
    config = bytearray(256)
    config[0:2] = b"\xde\x10"
    config[6] = 0x10  # status: capability list present
    config[0x34] = 0x60
    config[0x60:0x63] = bytes([0x01, 0x68, 0x08])
    config[0x68:0x6c] = bytes([0x09, 0x00, 0x14, 0x01])
    return bytes(config)


def _watch_lines():
    pod = (b'{"metadata":{"name":"p","namespace":"default","resourceVersion":"12",'
           b'"uid":"u1"},"spec":{"nodeName":"n0"}}')
    return [b'{"type":"ADDED","object":' + pod + b"}",
            b'{"type":"DELETED","object":' + pod + b"}",
            b'{"type":"BOOKMARK","object":{"metadata":{"resourceVersion":"99"}}}',
            b'{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","status":"Failure",'
            b'"message":"too old resource version","reason":"Expired","code":410}}']


def _list_pages():
    return [b'{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"7",'
            b'"continue":"abc"},"items":[{"metadata":{"name":"p","namespace":"ns"}}]}',
            b'{"kind":"NodeList","metadata":{},"items":null}']


_DECISION = (b'{\\"node\\":\\"n0\\",\\"time\\":1700000000,\\"containers\\":'
             b'[{\\"name\\":\\"main\\",\\"gpus\\":[{\\"uuid\\":\\"GPU-n0-0\\",\\"index\\":0,'
             b'\\"milli\\":500,\\"memoryMiB\\":0}]}]}')


def _pods():
    whole = (b'{"metadata":{"name":"p","namespace":"default","uid":"u1",'
             b'"creationTimestamp":"2024-01-01T00:00:00Z"},'
             b'"spec":{"containers":[{"name":"main","resources":{"limits":'
             b'{"nvidia.com/gpu":"2","cpu":"500m","memory":"1Gi"}}}]},'
             b'"status":{"phase":"Pending"}}')
    shared = (b'{"metadata":{"name":"s","namespace":"default","uid":"u2",'
              b'"annotations":{"gpulet.io/decision":"' + _DECISION + b'"}},'
              b'"spec":{"nodeName":"n0","containers":[{"name":"main","resources":'
              b'{"requests":{"gpulet.io/gpu-milli":"500","gpulet.io/gpu-memory":"10Gi"},'
              b'"limits":{"gpulet.io/gpu-milli":"500"}}}]},"status":{"phase":"Pending"}}')
    return [whole, shared]


def _nodes():
    gpus = (b'{\\"version\\":1,\\"gpus\\":[{\\"uuid\\":\\"GPU-n9-0\\",\\"index\\":0,'
            b'\\"model\\":\\"NVIDIA H100\\",\\"memoryMiB\\":81920,\\"health\\":\\"Healthy\\",'
            b'\\"numa\\":0}]}')
    return [b'{"metadata":{"name":"n9","annotations":{"gpulet.io/gpus":"' + gpus + b'"}},'
            b'"status":{"allocatable":{"cpu":"64","memory":"256Gi"}}}']


if __name__ == "__main__":
    main()
