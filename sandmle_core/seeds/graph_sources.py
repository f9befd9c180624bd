"""The bundled graph seeds: Zachary's karate club (networkx's copy of the real 34 members and 78 friendships), as a
node-classification task (which club each member joined) and as a link-prediction one (held-out friendships).

Kept apart from `sources` (which names them in `SOURCES` and builds them through it) so that module stays short.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sandmle_core.seeds.sources import SPLIT_SEED, SeedSource, _with_ids
from sandmle_core.spec import GradingSpec, Modality, TaskType

__all__ = ["karate", "karate_links"]


def karate(cache: Path) -> SeedSource:
    import networkx as nx

    graph = nx.karate_club_graph()
    members = pd.DataFrame({"member": list(graph.nodes),
                            "officer": [int(graph.nodes[v]["club"] == "Officer") for v in graph.nodes]})
    frame = _with_ids(members)
    node_id = dict(zip(frame["member"], frame["id"], strict=True))  # node ids after the fixed shuffle
    nodes = pd.DataFrame({"id": sorted(node_id.values())})
    pairs = sorted(tuple(sorted((node_id[a], node_id[b]))) for a, b in graph.edges)
    edges = pd.DataFrame(pairs, columns=["source", "target"])
    return SeedSource(
        "karate", "Karate Club Split", Modality.GRAPH, TaskType.BINARY,
        GradingSpec(metric="accuracy", id_column="id", target_columns=("officer",), submission_columns=("officer",),
                    classes=("0", "1")),
        frame[["id", "officer"]],
        "Predict which of the two clubs each member of Zachary's university karate club joined after the club split "
        "(the instructor's or the officer's), from the friendships between members outside the club.",
        {"officer": "1 if the member joined the officer's club, 0 if the instructor's (Mr. Hi's)"},
        "Zachary's karate club (W. W. Zachary 1977: 34 members, 78 friendships), as bundled with networkx "
        "(karate_club_graph)", test_share=0.25,
        media={"nodes.csv": nodes.to_csv(index=False).encode(), "edges.csv": edges.to_csv(index=False).encode()},
        media_line="- `nodes.csv` — every member (`id`; the data holds no member attributes).\n"
                   "- `edges.csv` — the friendships, `source` and `target` member ids (undirected, each pair once).",
    )


def karate_links(cache: Path) -> SeedSource:
    """Link prediction on the karate club: a third of the friendships are held out (the positive pairs) and as many
    pairs of members who are not friends are sampled twice over (the negatives); edges.csv keeps the rest."""
    import networkx as nx

    graph = nx.karate_club_graph()
    rng = np.random.default_rng(SPLIT_SEED)
    members = rng.permutation(len(graph))  # node ids after a fixed shuffle
    friends = sorted(tuple(sorted((int(members[a]), int(members[b])))) for a, b in graph.edges)
    held = set(rng.choice(len(friends), size=len(friends) // 3, replace=False).tolist())
    strangers = [(a, b) for a in range(len(graph)) for b in range(a + 1, len(graph)) if (a, b) not in set(friends)]
    negatives = rng.choice(len(strangers), size=2 * len(held), replace=False)
    pairs = [(*friends[i], 1) for i in sorted(held)] + [(*strangers[i], 0) for i in sorted(negatives)]
    frame = _with_ids(pd.DataFrame(pairs, columns=["source", "target", "friends"]))
    nodes = pd.DataFrame({"id": range(len(graph))})
    edges = pd.DataFrame([p for i, p in enumerate(friends) if i not in held], columns=["source", "target"])
    return SeedSource(
        "karate-links", "Karate Club Friendships", Modality.GRAPH, TaskType.BINARY,
        GradingSpec(metric="auc", id_column="id", target_columns=("friends",), submission_columns=("friends",)),
        frame, "Predict which pairs of members of Zachary's university karate club were friends outside the club, "
               "from the rest of the friendship graph (a third of the friendships are held out).",
        {"source": "the member id of one end of the pair (the smaller id)",
         "target": "the member id of the other end of the pair",
         "friends": "1 if the two members were friends outside the club (a held-out friendship), 0 if not"},
        "Zachary's karate club (W. W. Zachary 1977: 34 members, 78 friendships), as bundled with networkx "
        "(karate_club_graph); 26 friendships held out, 52 non-friend pairs sampled", test_share=0.25,
        media={"nodes.csv": nodes.to_csv(index=False).encode(), "edges.csv": edges.to_csv(index=False).encode()},
        media_line="- `nodes.csv` — every member (`id`; the data holds no member attributes).\n"
                   "- `edges.csv` — the observed friendships, `source` and `target` member ids (undirected, each "
                   "pair once); no labelled pair is among them.",
    )
