"""Batched GRU encoder-decoder with Luong attention (dot / general / concat scores), a packed
bidirectional encoder (enforce_sorted=False), masked NLL loss, teacher forcing decided by a seeded
random.random(), gradient clipping, greedy and beam-search decoding with log_softmax + topk."""
import itertools
import random

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

torch.manual_seed(7)
random.seed(7)
np.random.seed(7)

PAD_token, SOS_token, EOS_token = 0, 1, 2
V = 12

# toy "translation": output the input sorted, lengths vary per pair
pairs = []
for _ in range(64):
    n = random.randint(2, 6)
    src = [random.randint(3, V - 1) for _ in range(n)]
    pairs.append((src, sorted(src)))
print(pairs[:3])


def zeroPadding(l, fillvalue=PAD_token):
    return list(itertools.zip_longest(*l, fillvalue=fillvalue))


def binaryMatrix(l, value=PAD_token):
    m = []
    for i, seq in enumerate(l):
        m.append([])
        for token in seq:
            m[i].append(0 if token == PAD_token else 1)
    return m


def inputVar(l):
    indexes_batch = [sentence + [EOS_token] for sentence in l]
    lengths = torch.tensor([len(indexes) for indexes in indexes_batch])
    padList = zeroPadding(indexes_batch)
    padVar = torch.LongTensor(padList)
    return padVar, lengths


def outputVar(l):
    indexes_batch = [sentence + [EOS_token] for sentence in l]
    max_target_len = max([len(indexes) for indexes in indexes_batch])
    padList = zeroPadding(indexes_batch)
    mask = binaryMatrix(padList)
    mask = torch.BoolTensor(mask)
    padVar = torch.LongTensor(padList)
    return padVar, mask, max_target_len


def batch2TrainData(pair_batch):
    input_batch, output_batch = [], []
    for pair in pair_batch:
        input_batch.append(pair[0])
        output_batch.append(pair[1])
    inp, lengths = inputVar(input_batch)
    output, mask, max_target_len = outputVar(output_batch)
    return inp, lengths, output, mask, max_target_len


input_variable, lengths, target_variable, mask, max_target_len = batch2TrainData(pairs[:5])
print("input_variable:", input_variable)
print("lengths:", lengths)
print("target_variable:", target_variable.t())
print("mask:", mask.t(), mask.dtype)
print("max_target_len:", max_target_len)


class EncoderRNN(nn.Module):
    def __init__(self, hidden_size, embedding, n_layers=1, dropout=0):
        super(EncoderRNN, self).__init__()
        self.n_layers = n_layers
        self.hidden_size = hidden_size
        self.embedding = embedding
        self.gru = nn.GRU(hidden_size, hidden_size, n_layers,
                          dropout=(0 if n_layers == 1 else dropout), bidirectional=True)

    def forward(self, input_seq, input_lengths, hidden=None):
        embedded = self.embedding(input_seq)
        packed = nn.utils.rnn.pack_padded_sequence(embedded, input_lengths, enforce_sorted=False)
        outputs, hidden = self.gru(packed, hidden)
        outputs, _ = nn.utils.rnn.pad_packed_sequence(outputs)
        outputs = outputs[:, :, :self.hidden_size] + outputs[:, :, self.hidden_size:]
        return outputs, hidden


class Attn(nn.Module):
    def __init__(self, method, hidden_size):
        super(Attn, self).__init__()
        self.method = method
        if self.method not in ['dot', 'general', 'concat']:
            raise ValueError(self.method, "is not an appropriate attention method.")
        self.hidden_size = hidden_size
        if self.method == 'general':
            self.attn = nn.Linear(self.hidden_size, hidden_size)
        elif self.method == 'concat':
            self.attn = nn.Linear(self.hidden_size * 2, hidden_size)
            self.v = nn.Parameter(torch.FloatTensor(hidden_size).normal_())

    def dot_score(self, hidden, encoder_output):
        return torch.sum(hidden * encoder_output, dim=2)

    def general_score(self, hidden, encoder_output):
        energy = self.attn(encoder_output)
        return torch.sum(hidden * energy, dim=2)

    def concat_score(self, hidden, encoder_output):
        energy = self.attn(torch.cat((hidden.expand(encoder_output.size(0), -1, -1), encoder_output), 2)).tanh()
        return torch.sum(self.v * energy, dim=2)

    def forward(self, hidden, encoder_outputs, src_mask=None):
        if self.method == 'general':
            attn_energies = self.general_score(hidden, encoder_outputs)
        elif self.method == 'concat':
            attn_energies = self.concat_score(hidden, encoder_outputs)
        else:
            attn_energies = self.dot_score(hidden, encoder_outputs)
        attn_energies = attn_energies.t()
        if src_mask is not None:
            attn_energies = attn_energies.masked_fill(~src_mask, -1e10)
        return F.softmax(attn_energies, dim=1).unsqueeze(1)


class LuongAttnDecoderRNN(nn.Module):
    def __init__(self, attn_model, embedding, hidden_size, output_size, n_layers=1, dropout=0.1):
        super(LuongAttnDecoderRNN, self).__init__()
        self.attn_model = attn_model
        self.hidden_size = hidden_size
        self.output_size = output_size
        self.n_layers = n_layers
        self.embedding = embedding
        self.embedding_dropout = nn.Dropout(dropout)
        self.gru = nn.GRU(hidden_size, hidden_size, n_layers, dropout=(0 if n_layers == 1 else dropout))
        self.concat = nn.Linear(hidden_size * 2, hidden_size)
        self.out = nn.Linear(hidden_size, output_size)
        self.attn = Attn(attn_model, hidden_size)

    def forward(self, input_step, last_hidden, encoder_outputs, src_mask=None):
        embedded = self.embedding(input_step)
        embedded = self.embedding_dropout(embedded)
        rnn_output, hidden = self.gru(embedded, last_hidden)
        attn_weights = self.attn(rnn_output, encoder_outputs, src_mask)
        context = attn_weights.bmm(encoder_outputs.transpose(0, 1))
        rnn_output = rnn_output.squeeze(0)
        context = context.squeeze(1)
        concat_input = torch.cat((rnn_output, context), 1)
        concat_output = torch.tanh(self.concat(concat_input))
        output = self.out(concat_output)
        output = F.softmax(output, dim=1)
        return output, hidden, attn_weights


def maskNLLLoss(inp, target, mask):
    nTotal = mask.sum()
    crossEntropy = -torch.log(torch.gather(inp, 1, target.view(-1, 1)).squeeze(1))
    loss = crossEntropy.masked_select(mask).mean()
    return loss, nTotal.item()


hidden_size, n_layers = 16, 2
teacher_forcing_ratio = 0.5
clip = 50.0

for method in ['dot', 'general', 'concat']:
    torch.manual_seed(0)
    embedding = nn.Embedding(V, hidden_size, padding_idx=PAD_token)
    encoder = EncoderRNN(hidden_size, embedding, n_layers, dropout=0.1)
    decoder = LuongAttnDecoderRNN(method, embedding, hidden_size, V, n_layers, dropout=0.1)
    encoder_optimizer = torch.optim.Adam(encoder.parameters(), lr=0.005)
    decoder_optimizer = torch.optim.Adam(decoder.parameters(), lr=0.005 * 5.0)
    encoder.train()
    decoder.train()
    random.seed(1)
    losses = []
    for iteration in range(1, 13):
        training_batch = batch2TrainData([random.choice(pairs) for _ in range(8)])
        input_variable, lengths, target_variable, mask, max_target_len = training_batch
        encoder_optimizer.zero_grad()
        decoder_optimizer.zero_grad()
        loss = 0
        print_losses = []
        n_totals = 0
        encoder_outputs, encoder_hidden = encoder(input_variable, lengths)
        src_mask = (input_variable != PAD_token).t()
        decoder_input = torch.LongTensor([[SOS_token for _ in range(8)]])
        decoder_hidden = encoder_hidden[:decoder.n_layers]
        use_teacher_forcing = True if random.random() < teacher_forcing_ratio else False
        for t in range(max_target_len):
            decoder_output, decoder_hidden, _ = decoder(decoder_input, decoder_hidden, encoder_outputs, src_mask)
            if use_teacher_forcing:
                decoder_input = target_variable[t].view(1, -1)
            else:
                _, topi = decoder_output.topk(1)
                decoder_input = torch.LongTensor([[topi[i][0] for i in range(8)]])
            mask_loss, nTotal = maskNLLLoss(decoder_output, target_variable[t], mask[t])
            loss += mask_loss
            print_losses.append(mask_loss.item() * nTotal)
            n_totals += nTotal
        loss.backward()
        _ = nn.utils.clip_grad_norm_(encoder.parameters(), clip)
        _ = nn.utils.clip_grad_norm_(decoder.parameters(), clip)
        encoder_optimizer.step()
        decoder_optimizer.step()
        losses.append(sum(print_losses) / n_totals)
    print(f"{method:8s} first {losses[0]:.4f} last {losses[-1]:.4f} grad_fn {loss.grad_fn.name()}")

print(encoder_outputs.shape, encoder_hidden.shape, decoder_output.shape)
print(type(encoder_hidden).__name__, encoder_hidden.is_contiguous(), encoder_outputs.is_contiguous())
print(decoder)


class GreedySearchDecoder(nn.Module):
    def __init__(self, encoder, decoder):
        super(GreedySearchDecoder, self).__init__()
        self.encoder = encoder
        self.decoder = decoder

    def forward(self, input_seq, input_length, max_length):
        encoder_outputs, encoder_hidden = self.encoder(input_seq, input_length)
        decoder_hidden = encoder_hidden[:decoder.n_layers]
        decoder_input = torch.ones(1, 1, dtype=torch.long) * SOS_token
        all_tokens = torch.zeros([0], dtype=torch.long)
        all_scores = torch.zeros([0])
        for _ in range(max_length):
            decoder_output, decoder_hidden, _ = self.decoder(decoder_input, decoder_hidden, encoder_outputs)
            decoder_scores, decoder_input = torch.max(decoder_output, dim=1)
            all_tokens = torch.cat((all_tokens, decoder_input), dim=0)
            all_scores = torch.cat((all_scores, decoder_scores), dim=0)
            decoder_input = torch.unsqueeze(decoder_input, 0)
        return all_tokens, all_scores


encoder.eval()
decoder.eval()
searcher = GreedySearchDecoder(encoder, decoder)
src = [9, 4, 7]
with torch.no_grad():
    input_batch = torch.LongTensor([src + [EOS_token]]).transpose(0, 1)
    tokens, scores = searcher(input_batch, torch.tensor([len(src) + 1]), 6)
print(tokens.shape, tokens.dtype, scores.shape, scores.requires_grad)


def beam_search(src, beam_width=3, max_len=7):
    with torch.no_grad():
        inp = torch.LongTensor([src + [EOS_token]]).t()
        enc_out, enc_hidden = encoder(inp, torch.tensor([len(src) + 1]))
        beams = [(0.0, [SOS_token], enc_hidden[:decoder.n_layers])]
        finished = []
        for _ in range(max_len):
            candidates = []
            for score, seq, hidden in beams:
                if seq[-1] == EOS_token:
                    finished.append((score, seq))
                    continue
                probs, new_hidden, attn = decoder(torch.LongTensor([[seq[-1]]]), hidden, enc_out)
                log_probs = torch.log(probs + 1e-12)
                top_lp, top_ix = log_probs.topk(beam_width, dim=1)
                for lp, ix in zip(top_lp[0].tolist(), top_ix[0].tolist()):
                    candidates.append((score + lp, seq + [ix], new_hidden))
            if not candidates:
                break
            candidates.sort(key=lambda c: c[0], reverse=True)
            beams = candidates[:beam_width]
        finished.extend((s, q) for s, q, _ in beams)
        finished.sort(key=lambda c: c[0] / len(c[1]), reverse=True)
        return finished[:2], attn.shape


best, attn_shape = beam_search([9, 4, 7])
for s, seq in best:
    print(f"{s:.2f}", seq[1:])
print(attn_shape)

# batched beam expansion on a (beam, vocab) score matrix, the vectorised way
torch.manual_seed(3)
beam_scores = torch.tensor([0.0, -0.5, -1.2])
logits = torch.randn(3, V)
log_probs = F.log_softmax(logits, dim=-1)
next_scores = (beam_scores.unsqueeze(1) + log_probs).view(-1)
top_scores, top_ids = next_scores.topk(3, largest=True, sorted=True)
beam_ids = torch.div(top_ids, V, rounding_mode='floor')
token_ids = top_ids % V
print(torch.allclose(log_probs.exp().sum(dim=-1), torch.ones(3)), top_scores, beam_ids, token_ids)
print(torch.stack([beam_ids, token_ids], dim=1).tolist(), log_probs.argmax(-1))
print(top_ids // V, torch.floor_divide(top_ids, V))

# pack / pad round trip details a learner inspects
seqs = torch.tensor([[5, 6, 7, 0], [3, 0, 0, 0], [4, 8, 0, 0]]).t()
lens = torch.tensor([3, 1, 2])
packed = pack_padded_sequence(embedding(seqs), lens, enforce_sorted=False)
print(packed.batch_sizes, packed.sorted_indices, packed.unsorted_indices, packed.data.shape)
unpacked, out_lens = pad_packed_sequence(packed, padding_value=-1.0, total_length=5)
print(unpacked.shape, out_lens, unpacked[:, 1, 0])
out, h = encoder.gru(packed)
print(type(out).__name__, out.data.shape, h.shape, isinstance(out, nn.utils.rnn.PackedSequence))
