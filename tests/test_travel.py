"""All-pairs shortest routes (domain/travel.py `shortest_routes`), vectorised with numpy:
the same matrix as relaxing every leg until nothing shortens, on drawn graphs of one-way
legs, with legs to sites outside the set and pairs no route joins."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from test_properties import PROPERTY_SETTINGS

from outreach_opt.domain.travel import TravelMatrix, shortest_routes


def _relaxed(matrix: TravelMatrix, sites: list[str]) -> TravelMatrix:
    """The reference: every route over `sites` shortened one leg at a time until stable."""
    best = dict(matrix)
    changed = True
    while changed:
        changed = False
        for (a, b), ab in list(best.items()):
            for (c, d), cd in list(best.items()):
                if b == c and {a, b, d} <= set(sites) and ab + cd < best.get((a, d), ab + cd + 1):
                    best[(a, d)] = ab + cd
                    changed = True
    return best


@st.composite
def graphs(draw: st.DrawFn) -> tuple[TravelMatrix, list[str]]:
    n = draw(st.integers(1, 9))
    ids = [f"s{i}" for i in range(n)]
    legs = draw(st.lists(st.tuples(st.sampled_from(ids), st.sampled_from(ids), st.integers(1, 300)), max_size=3 * n))
    matrix: TravelMatrix = {(a, a): 0 for a in ids}
    matrix.update({(a, b): m for a, b, m in legs if a != b})
    if draw(st.booleans()):
        matrix[("outside", ids[0])] = 1  # a leg to a site not in the set: kept, never routed through
    sites = ids if draw(st.booleans()) else ids[: draw(st.integers(1, n))]
    return matrix, sites


@PROPERTY_SETTINGS
@given(graphs())
def test_shortest_routes_are_the_legs_relaxed_until_stable(graph: tuple[TravelMatrix, list[str]]) -> None:
    matrix, sites = graph
    assert shortest_routes(matrix, sites) == _relaxed(matrix, sites)


def test_five_hundred_sites_in_a_ring() -> None:
    """The size `generate --sites 500` makes: each site one leg from the next; the far side of
    the ring is 250 legs away either way."""
    ids = [f"s{i}" for i in range(500)]
    matrix: TravelMatrix = {(a, a): 0 for a in ids}
    for i, a in enumerate(ids):
        matrix[(a, ids[(i + 1) % 500])] = matrix[(ids[(i + 1) % 500], a)] = 1
    routes = shortest_routes(matrix, ids)
    assert len(routes) == 500 * 500
    assert routes[("s0", "s250")] == 250 and routes[("s10", "s0")] == 10 and routes[("s0", "s499")] == 1
