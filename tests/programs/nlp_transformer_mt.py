"""A "translation" Transformer in the style of the PyTorch translation tutorial: nn.Transformer with
batch_first=False, generate_square_subsequent_mask, src/tgt key padding masks, label-smoothed
CrossEntropyLoss with ignore_index, a Noam LambdaLR schedule, greedy decoding, and a decoder-only
nn.TransformerDecoder / TransformerEncoder with norm_first and batch_first."""
import math

import torch
import torch.nn as nn
from torch import Tensor
from torch.nn import Transformer
from torch.nn.utils.rnn import pad_sequence

torch.manual_seed(0)
DEVICE = torch.device('cuda' if torch.cuda.is_available() else 'cpu')
print(DEVICE, repr(DEVICE))

UNK_IDX, PAD_IDX, BOS_IDX, EOS_IDX = 0, 1, 2, 3
special_symbols = ['<unk>', '<pad>', '<bos>', '<eos>']
SRC_VOCAB_SIZE = TGT_VOCAB_SIZE = 14
g = torch.Generator().manual_seed(11)


def make_pair():
    n = int(torch.randint(2, 7, (1,), generator=g))
    src = torch.randint(4, SRC_VOCAB_SIZE, (n,), generator=g)
    return src, src.flip(0)


data = [make_pair() for _ in range(48)]
print(data[0], data[1][0].tolist())


def tensor_transform(token_ids):
    return torch.cat((torch.tensor([BOS_IDX]), torch.tensor(token_ids), torch.tensor([EOS_IDX])))


def collate_fn(batch):
    src_batch, tgt_batch = [], []
    for src_sample, tgt_sample in batch:
        src_batch.append(tensor_transform(src_sample.tolist()))
        tgt_batch.append(tensor_transform(tgt_sample.tolist()))
    src_batch = pad_sequence(src_batch, padding_value=PAD_IDX)
    tgt_batch = pad_sequence(tgt_batch, padding_value=PAD_IDX)
    return src_batch, tgt_batch


class PositionalEncoding(nn.Module):
    def __init__(self, emb_size: int, dropout: float, maxlen: int = 50):
        super(PositionalEncoding, self).__init__()
        den = torch.exp(- torch.arange(0, emb_size, 2) * math.log(10000) / emb_size)
        pos = torch.arange(0, maxlen).reshape(maxlen, 1)
        pos_embedding = torch.zeros((maxlen, emb_size))
        pos_embedding[:, 0::2] = torch.sin(pos * den)
        pos_embedding[:, 1::2] = torch.cos(pos * den)
        pos_embedding = pos_embedding.unsqueeze(-2)
        self.dropout = nn.Dropout(dropout)
        self.register_buffer('pos_embedding', pos_embedding)

    def forward(self, token_embedding: Tensor):
        return self.dropout(token_embedding + self.pos_embedding[:token_embedding.size(0), :])


class TokenEmbedding(nn.Module):
    def __init__(self, vocab_size: int, emb_size):
        super(TokenEmbedding, self).__init__()
        self.embedding = nn.Embedding(vocab_size, emb_size)
        self.emb_size = emb_size

    def forward(self, tokens: Tensor):
        return self.embedding(tokens.long()) * math.sqrt(self.emb_size)


class Seq2SeqTransformer(nn.Module):
    def __init__(self, num_encoder_layers, num_decoder_layers, emb_size, nhead, src_vocab_size,
                 tgt_vocab_size, dim_feedforward=512, dropout=0.1):
        super(Seq2SeqTransformer, self).__init__()
        self.transformer = Transformer(d_model=emb_size, nhead=nhead, num_encoder_layers=num_encoder_layers,
                                       num_decoder_layers=num_decoder_layers, dim_feedforward=dim_feedforward,
                                       dropout=dropout)
        self.generator = nn.Linear(emb_size, tgt_vocab_size)
        self.src_tok_emb = TokenEmbedding(src_vocab_size, emb_size)
        self.tgt_tok_emb = TokenEmbedding(tgt_vocab_size, emb_size)
        self.positional_encoding = PositionalEncoding(emb_size, dropout=dropout)

    def forward(self, src, trg, src_mask, tgt_mask, src_padding_mask, tgt_padding_mask, memory_key_padding_mask):
        src_emb = self.positional_encoding(self.src_tok_emb(src))
        tgt_emb = self.positional_encoding(self.tgt_tok_emb(trg))
        outs = self.transformer(src_emb, tgt_emb, src_mask, tgt_mask, None,
                                src_padding_mask, tgt_padding_mask, memory_key_padding_mask)
        return self.generator(outs)

    def encode(self, src: Tensor, src_mask: Tensor):
        return self.transformer.encoder(self.positional_encoding(self.src_tok_emb(src)), src_mask)

    def decode(self, tgt: Tensor, memory: Tensor, tgt_mask: Tensor):
        return self.transformer.decoder(self.positional_encoding(self.tgt_tok_emb(tgt)), memory, tgt_mask)


def generate_square_subsequent_mask(sz):
    mask = (torch.triu(torch.ones((sz, sz), device=DEVICE)) == 1).transpose(0, 1)
    mask = mask.float().masked_fill(mask == 0, float('-inf')).masked_fill(mask == 1, float(0.0))
    return mask


def create_mask(src, tgt):
    src_seq_len = src.shape[0]
    tgt_seq_len = tgt.shape[0]
    tgt_mask = generate_square_subsequent_mask(tgt_seq_len)
    src_mask = torch.zeros((src_seq_len, src_seq_len), device=DEVICE).type(torch.bool)
    src_padding_mask = (src == PAD_IDX).transpose(0, 1)
    tgt_padding_mask = (tgt == PAD_IDX).transpose(0, 1)
    return src_mask, tgt_mask, src_padding_mask, tgt_padding_mask


print(generate_square_subsequent_mask(4))
print(torch.equal(generate_square_subsequent_mask(5), nn.Transformer.generate_square_subsequent_mask(5)))
print(Transformer.generate_square_subsequent_mask(3, dtype=torch.float64))

transformer = Seq2SeqTransformer(2, 2, 32, 4, SRC_VOCAB_SIZE, TGT_VOCAB_SIZE, dim_feedforward=64)
for p in transformer.parameters():
    if p.dim() > 1:
        nn.init.xavier_uniform_(p)
transformer = transformer.to(DEVICE)
print(sum(p.numel() for p in transformer.parameters() if p.requires_grad))
print(transformer.transformer.encoder.layers[0])

loss_fn = torch.nn.CrossEntropyLoss(ignore_index=PAD_IDX, label_smoothing=0.1)
optimizer = torch.optim.Adam(transformer.parameters(), lr=0.0001, betas=(0.9, 0.98), eps=1e-9)
warmup = 8
scheduler = torch.optim.lr_scheduler.LambdaLR(
    optimizer, lambda step: (32 ** -0.5) * min((step + 1) ** -0.5, (step + 1) * warmup ** -1.5) / 0.0001 * 0.1)
print(loss_fn, f"{optimizer.param_groups[0]['lr']:.3e}")

src, tgt = collate_fn(data[:4])
print(src.shape, tgt.shape, src.t())
src_mask, tgt_mask, src_padding_mask, tgt_padding_mask = create_mask(src, tgt[:-1, :])
print(src_mask.dtype, tgt_mask.dtype, src_padding_mask.shape, src_padding_mask[0])

loader = torch.utils.data.DataLoader(data, batch_size=8, collate_fn=collate_fn, shuffle=True,
                                     generator=torch.Generator().manual_seed(5))
for epoch in range(1, 4):
    transformer.train()
    losses = 0
    for src, tgt in loader:
        src, tgt = src.to(DEVICE), tgt.to(DEVICE)
        tgt_input = tgt[:-1, :]
        src_mask, tgt_mask, src_padding_mask, tgt_padding_mask = create_mask(src, tgt_input)
        logits = transformer(src, tgt_input, src_mask, tgt_mask, src_padding_mask, tgt_padding_mask, src_padding_mask)
        optimizer.zero_grad()
        tgt_out = tgt[1:, :]
        loss = loss_fn(logits.reshape(-1, logits.shape[-1]), tgt_out.reshape(-1))
        loss.backward()
        optimizer.step()
        scheduler.step()
        losses += loss.item()
    print(f"Epoch: {epoch}, Train loss: {losses / len(list(loader)):.3f}, lr {scheduler.get_last_lr()[0]:.3e}")
print(logits.shape, loss.grad_fn.name(), loss.grad_fn.next_functions[0][0].__class__.__name__)


def greedy_decode(model, src, src_mask, max_len, start_symbol):
    src = src.to(DEVICE)
    src_mask = src_mask.to(DEVICE)
    memory = model.encode(src, src_mask)
    ys = torch.ones(1, 1).fill_(start_symbol).type(torch.long).to(DEVICE)
    for i in range(max_len - 1):
        memory = memory.to(DEVICE)
        tgt_mask = (generate_square_subsequent_mask(ys.size(0)).type(torch.bool)).to(DEVICE)
        out = model.decode(ys, memory, tgt_mask)
        out = out.transpose(0, 1)
        prob = model.generator(out[:, -1])
        _, next_word = torch.max(prob, dim=1)
        next_word = next_word.item()
        ys = torch.cat([ys, torch.ones(1, 1).type_as(src.data).fill_(next_word)], dim=0)
        if next_word == EOS_IDX:
            break
    return ys


transformer.eval()
src = tensor_transform([5, 6, 7]).view(-1, 1)
num_tokens = src.shape[0]
src_mask = (torch.zeros(num_tokens, num_tokens)).type(torch.bool)
with torch.no_grad():
    tgt_tokens = greedy_decode(transformer, src, src_mask, max_len=num_tokens + 5, start_symbol=BOS_IDX).flatten()
print(tgt_tokens.shape, tgt_tokens.dtype, " ".join(special_symbols[i] if i < 4 else str(i) for i in tgt_tokens.tolist()))

# a decoder-only model on nn.TransformerDecoder (batch_first, norm_first) with memory from an encoder
torch.manual_seed(1)
d_model = 16
dec_layer = nn.TransformerDecoderLayer(d_model, 2, 32, dropout=0.0, batch_first=True, norm_first=True)
decoder = nn.TransformerDecoder(dec_layer, num_layers=2, norm=nn.LayerNorm(d_model))
enc_layer = nn.TransformerEncoderLayer(d_model, 2, 32, dropout=0.0, batch_first=True, activation="gelu")
encoder = nn.TransformerEncoder(enc_layer, num_layers=1, enable_nested_tensor=False)
print(decoder.layers[1].norm_first, decoder.num_layers, type(decoder.norm).__name__, len(decoder.layers))
memory_in = torch.randn(2, 5, d_model)
mem_pad = torch.tensor([[False] * 5, [False, False, False, True, True]])
memory = encoder(memory_in, src_key_padding_mask=mem_pad)
tgt = torch.randn(2, 4, d_model, requires_grad=True)
causal = nn.Transformer.generate_square_subsequent_mask(4)
tgt_pad = torch.tensor([[False, False, False, False], [False, False, True, True]])
out = decoder(tgt, memory, tgt_mask=causal, tgt_key_padding_mask=tgt_pad, memory_key_padding_mask=mem_pad,
              tgt_is_causal=True)
print(out.shape, out.grad_fn.name(), f"{out.abs().mean().item():.4f}")
out.pow(2).mean().backward()
print(tgt.grad.shape, f"{tgt.grad.norm().item():.4f}")
# the causal mask means position 0 does not see later positions
out2 = decoder(torch.cat([tgt[:, :1], torch.randn(2, 3, d_model)], 1), memory, tgt_mask=causal,
               memory_key_padding_mask=mem_pad)
out1 = decoder(tgt, memory, tgt_mask=causal, memory_key_padding_mask=mem_pad)
print(torch.allclose(out1[:, 0], out2[:, 0], atol=1e-5), torch.allclose(out1[:, 1], out2[:, 1], atol=1e-5))
print(memory[1, 3:].shape, torch.isfinite(memory).all().item())

# boolean vs float masks give the same attention
mha = nn.MultiheadAttention(d_model, 4, batch_first=True)
x = torch.randn(2, 4, d_model)
bool_mask = torch.triu(torch.ones(4, 4, dtype=torch.bool), diagonal=1)
o_b, w_b = mha(x, x, x, attn_mask=bool_mask, key_padding_mask=tgt_pad)
o_f, w_f = mha(x, x, x, attn_mask=causal, key_padding_mask=tgt_pad.float().masked_fill(tgt_pad, float('-inf')))
print(torch.allclose(o_b, o_f, atol=1e-6), w_b.shape, w_b[1].sum(-1).round(decimals=4), (w_b[1, :, 2:] == 0).all())
o_h, w_h = mha(x, x, x, attn_mask=bool_mask, average_attn_weights=False, need_weights=True)
print(w_h.shape, mha.batch_first, mha._qkv_same_embed_dim, mha.in_proj_weight.shape)
try:
    nn.Transformer(d_model=10, nhead=3)
except AssertionError as e:
    print("AssertionError:", e)
