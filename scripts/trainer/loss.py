"""open-retrievals' ColbertLoss (docs/spec.md §4b): MaxSim scores of each query against its positive and sampled
negatives (or every document in the batch), divided by the temperature, cross-entropy with the positive's column."""
import torch
import torch.nn.functional as F


def late_interaction(q, d, inbatch):
    """Σ_query-tokens max_doc-tokens <q_i, d_j>. inbatch=False: d is [B*k, T, H] grouped per query → [B, k];
    inbatch=True: every query against every document → [B, C]. Pad rows are zero vectors, so they floor the max at 0."""
    if inbatch:
        sim = torch.einsum("bsh,cdh->bcsd", q, d)
    else:
        d = d.view(q.size(0), -1, d.size(1), d.size(2))
        sim = torch.einsum("bsh,bdth->bdst", q, d)
    return sim.max(-1).values.sum(-1)


def colbert_loss(q, pos, neg, temperature=0.02, inbatch=False, q_mask=None, divide_by_query_length=False, label_offset=0):
    """q [B, S, H], pos [B, T, H], neg [B*(G-1), T, H] or None. Returns (loss, scores).
    divide_by_query_length applies bge-m3's scoring normalisation (Σ q_mask[:, 1:]); open-retrievals leaves it off.
    With in-batch negatives gathered from W ranks, pos/neg hold every rank's documents in rank order and
    label_offset = rank * B points each query at its own positive among them."""
    scores = late_interaction(q, pos, inbatch)
    if neg is not None and neg.size(0) > 0:
        scores = torch.cat([scores, late_interaction(q, neg, inbatch)], dim=-1)
    if divide_by_query_length:
        scores = scores / q_mask[:, 1:].sum(-1, keepdim=True).to(scores.dtype)
    scores = scores / temperature
    if inbatch:
        labels = torch.arange(scores.size(0), dtype=torch.long, device=scores.device) + label_offset
    else:
        labels = torch.zeros(scores.size(0), dtype=torch.long, device=scores.device)
    return F.cross_entropy(scores.float(), labels), scores
