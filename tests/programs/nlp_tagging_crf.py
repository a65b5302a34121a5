"""Sequence labelling and sentence classification in the style of the PyTorch NLP tutorials: an
LSTM POS tagger, the BiLSTM-CRF (forward algorithm with log_sum_exp, Viterbi decoding), a Kim-style
CNN over frozen pretrained embeddings (Embedding.from_pretrained, padding_idx, max-over-time
pooling), an N-gram language model with the word-embedding lookups a learner prints, and an
alignment-free BiGRU tagger trained with nn.CTCLoss and decoded greedily."""
import torch
import torch.autograd as autograd
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim

torch.manual_seed(1)

# ---------------------------------------------------------------- word embeddings 101
word_to_ix = {"hello": 0, "world": 1}
embeds = nn.Embedding(2, 5)
lookup_tensor = torch.tensor([word_to_ix["hello"]], dtype=torch.long)
hello_embed = embeds(lookup_tensor)
print(hello_embed)

CONTEXT_SIZE, EMBEDDING_DIM = 2, 10
test_sentence = """When forty winters shall besiege thy brow,
And dig deep trenches in thy beauty's field,
Thy youth's proud livery so gazed on now,
Will be a totter'd weed of small worth held:""".split()
ngrams = [([test_sentence[i - j - 1] for j in range(CONTEXT_SIZE)], test_sentence[i])
          for i in range(CONTEXT_SIZE, len(test_sentence))]
print(ngrams[:3])
vocab = set(test_sentence)
word_to_ix = {word: i for i, word in enumerate(sorted(vocab))}


class NGramLanguageModeler(nn.Module):
    def __init__(self, vocab_size, embedding_dim, context_size):
        super(NGramLanguageModeler, self).__init__()
        self.embeddings = nn.Embedding(vocab_size, embedding_dim)
        self.linear1 = nn.Linear(context_size * embedding_dim, 128)
        self.linear2 = nn.Linear(128, vocab_size)

    def forward(self, inputs):
        embeds = self.embeddings(inputs).view((1, -1))
        out = F.relu(self.linear1(embeds))
        out = self.linear2(out)
        log_probs = F.log_softmax(out, dim=1)
        return log_probs


losses = []
loss_function = nn.NLLLoss()
model = NGramLanguageModeler(len(vocab), EMBEDDING_DIM, CONTEXT_SIZE)
optimizer = optim.SGD(model.parameters(), lr=0.001)
for epoch in range(5):
    total_loss = 0
    for context, target in ngrams:
        context_idxs = torch.tensor([word_to_ix[w] for w in context], dtype=torch.long)
        model.zero_grad()
        log_probs = model(context_idxs)
        loss = loss_function(log_probs, torch.tensor([word_to_ix[target]], dtype=torch.long))
        loss.backward()
        optimizer.step()
        total_loss += loss.item()
    losses.append(round(total_loss, 3))
print(losses)
print(model.embeddings.weight[word_to_ix["beauty's"]].shape, model.embeddings.weight.grad.shape)

# ---------------------------------------------------------------- LSTM POS tagger
training_data = [
    ("The dog ate the apple".split(), ["DET", "NN", "V", "DET", "NN"]),
    ("Everybody read that book".split(), ["NN", "V", "DET", "NN"]),
]
word_to_ix = {}
for sent, tags in training_data:
    for word in sent:
        if word not in word_to_ix:
            word_to_ix[word] = len(word_to_ix)
print(word_to_ix)
tag_to_ix = {"DET": 0, "NN": 1, "V": 2}


def prepare_sequence(seq, to_ix):
    idxs = [to_ix[w] for w in seq]
    return torch.tensor(idxs, dtype=torch.long)


class LSTMTagger(nn.Module):
    def __init__(self, embedding_dim, hidden_dim, vocab_size, tagset_size):
        super(LSTMTagger, self).__init__()
        self.hidden_dim = hidden_dim
        self.word_embeddings = nn.Embedding(vocab_size, embedding_dim)
        self.lstm = nn.LSTM(embedding_dim, hidden_dim)
        self.hidden2tag = nn.Linear(hidden_dim, tagset_size)

    def forward(self, sentence):
        embeds = self.word_embeddings(sentence)
        lstm_out, _ = self.lstm(embeds.view(len(sentence), 1, -1))
        tag_space = self.hidden2tag(lstm_out.view(len(sentence), -1))
        tag_scores = F.log_softmax(tag_space, dim=1)
        return tag_scores


model = LSTMTagger(6, 6, len(word_to_ix), len(tag_to_ix))
loss_function = nn.NLLLoss()
optimizer = optim.SGD(model.parameters(), lr=0.1)
with torch.no_grad():
    inputs = prepare_sequence(training_data[0][0], word_to_ix)
    tag_scores = model(inputs)
    print(tag_scores)
for epoch in range(100):
    for sentence, tags in training_data:
        model.zero_grad()
        sentence_in = prepare_sequence(sentence, word_to_ix)
        targets = prepare_sequence(tags, tag_to_ix)
        tag_scores = model(sentence_in)
        loss = loss_function(tag_scores, targets)
        loss.backward()
        optimizer.step()
with torch.no_grad():
    tag_scores = model(prepare_sequence(training_data[0][0], word_to_ix))
    print(torch.round(tag_scores, decimals=2), tag_scores.argmax(dim=1))

# ---------------------------------------------------------------- BiLSTM-CRF
torch.manual_seed(1)


def argmax(vec):
    _, idx = torch.max(vec, 1)
    return idx.item()


def log_sum_exp(vec):
    max_score = vec[0, argmax(vec)]
    max_score_broadcast = max_score.view(1, -1).expand(1, vec.size()[1])
    return max_score + torch.log(torch.sum(torch.exp(vec - max_score_broadcast)))


class BiLSTM_CRF(nn.Module):
    def __init__(self, vocab_size, tag_to_ix, embedding_dim, hidden_dim):
        super(BiLSTM_CRF, self).__init__()
        self.embedding_dim = embedding_dim
        self.hidden_dim = hidden_dim
        self.vocab_size = vocab_size
        self.tag_to_ix = tag_to_ix
        self.tagset_size = len(tag_to_ix)
        self.word_embeds = nn.Embedding(vocab_size, embedding_dim)
        self.lstm = nn.LSTM(embedding_dim, hidden_dim // 2, num_layers=1, bidirectional=True)
        self.hidden2tag = nn.Linear(hidden_dim, self.tagset_size)
        self.transitions = nn.Parameter(torch.randn(self.tagset_size, self.tagset_size))
        self.transitions.data[tag_to_ix[START_TAG], :] = -10000
        self.transitions.data[:, tag_to_ix[STOP_TAG]] = -10000
        self.hidden = self.init_hidden()

    def init_hidden(self):
        return (torch.randn(2, 1, self.hidden_dim // 2), torch.randn(2, 1, self.hidden_dim // 2))

    def _forward_alg(self, feats):
        init_alphas = torch.full((1, self.tagset_size), -10000.)
        init_alphas[0][self.tag_to_ix[START_TAG]] = 0.
        forward_var = init_alphas
        for feat in feats:
            alphas_t = []
            for next_tag in range(self.tagset_size):
                emit_score = feat[next_tag].view(1, -1).expand(1, self.tagset_size)
                trans_score = self.transitions[next_tag].view(1, -1)
                next_tag_var = forward_var + trans_score + emit_score
                alphas_t.append(log_sum_exp(next_tag_var).view(1))
            forward_var = torch.cat(alphas_t).view(1, -1)
        terminal_var = forward_var + self.transitions[self.tag_to_ix[STOP_TAG]]
        alpha = log_sum_exp(terminal_var)
        return alpha

    def _get_lstm_features(self, sentence):
        self.hidden = self.init_hidden()
        embeds = self.word_embeds(sentence).view(len(sentence), 1, -1)
        lstm_out, self.hidden = self.lstm(embeds, self.hidden)
        lstm_out = lstm_out.view(len(sentence), self.hidden_dim)
        lstm_feats = self.hidden2tag(lstm_out)
        return lstm_feats

    def _score_sentence(self, feats, tags):
        score = torch.zeros(1)
        tags = torch.cat([torch.tensor([self.tag_to_ix[START_TAG]], dtype=torch.long), tags])
        for i, feat in enumerate(feats):
            score = score + self.transitions[tags[i + 1], tags[i]] + feat[tags[i + 1]]
        score = score + self.transitions[self.tag_to_ix[STOP_TAG], tags[-1]]
        return score

    def _viterbi_decode(self, feats):
        backpointers = []
        init_vvars = torch.full((1, self.tagset_size), -10000.)
        init_vvars[0][self.tag_to_ix[START_TAG]] = 0
        forward_var = init_vvars
        for feat in feats:
            bptrs_t = []
            viterbivars_t = []
            for next_tag in range(self.tagset_size):
                next_tag_var = forward_var + self.transitions[next_tag]
                best_tag_id = argmax(next_tag_var)
                bptrs_t.append(best_tag_id)
                viterbivars_t.append(next_tag_var[0][best_tag_id].view(1))
            forward_var = (torch.cat(viterbivars_t) + feat).view(1, -1)
            backpointers.append(bptrs_t)
        terminal_var = forward_var + self.transitions[self.tag_to_ix[STOP_TAG]]
        best_tag_id = argmax(terminal_var)
        path_score = terminal_var[0][best_tag_id]
        best_path = [best_tag_id]
        for bptrs_t in reversed(backpointers):
            best_tag_id = bptrs_t[best_tag_id]
            best_path.append(best_tag_id)
        start = best_path.pop()
        assert start == self.tag_to_ix[START_TAG]
        best_path.reverse()
        return path_score, best_path

    def neg_log_likelihood(self, sentence, tags):
        feats = self._get_lstm_features(sentence)
        forward_score = self._forward_alg(feats)
        gold_score = self._score_sentence(feats, tags)
        return forward_score - gold_score

    def forward(self, sentence):
        lstm_feats = self._get_lstm_features(sentence)
        score, tag_seq = self._viterbi_decode(lstm_feats)
        return score, tag_seq


START_TAG, STOP_TAG = "<START>", "<STOP>"
training_data = [(
    "the wall street journal reported today that apple corporation made money".split(),
    "B I I I O O O B I O O".split()
), (
    "georgia tech is a university in georgia".split(),
    "B I O O O O B".split()
)]
word_to_ix = {}
for sentence, tags in training_data:
    for word in sentence:
        if word not in word_to_ix:
            word_to_ix[word] = len(word_to_ix)
tag_to_ix = {"B": 0, "I": 1, "O": 2, START_TAG: 3, STOP_TAG: 4}
model = BiLSTM_CRF(len(word_to_ix), tag_to_ix, 5, 4)
optimizer = optim.SGD(model.parameters(), lr=0.01, weight_decay=1e-4)
print(model.transitions.data[:, -1], model.transitions.requires_grad)
with torch.no_grad():
    precheck_sent = prepare_sequence(training_data[0][0], word_to_ix)
    score, path = model(precheck_sent)
    print(f"{score.item():.3f}", path)
for epoch in range(15):
    for sentence, tags in training_data:
        model.zero_grad()
        sentence_in = prepare_sequence(sentence, word_to_ix)
        targets = torch.tensor([tag_to_ix[t] for t in tags], dtype=torch.long)
        loss = model.neg_log_likelihood(sentence_in, targets)
        loss.backward()
        optimizer.step()
    if epoch % 5 == 0:
        print(f"epoch {epoch} nll {loss.item():.4f}", loss.shape, loss.grad_fn.name())
with torch.no_grad():
    score, path = model(prepare_sequence(training_data[0][0], word_to_ix))
    print(f"{score.item():.3f}", path)
print(model.transitions.grad.shape, f"{model.transitions.grad.abs().sum().item():.4f}")
print(log_sum_exp(torch.tensor([[1.0, 2.0, 3.0]])), torch.logsumexp(torch.tensor([[1.0, 2.0, 3.0]]), dim=1))

# ---------------------------------------------------------------- CNN sentence classifier
torch.manual_seed(2)
vocab_size, emb_dim, pad_idx = 30, 8, 0
pretrained = torch.randn(vocab_size, emb_dim)
pretrained[pad_idx] = 0


class KimCNN(nn.Module):
    def __init__(self, pretrained, n_filters, filter_sizes, output_dim, dropout, pad_idx):
        super().__init__()
        self.embedding = nn.Embedding.from_pretrained(pretrained, freeze=True, padding_idx=pad_idx)
        self.convs = nn.ModuleList([nn.Conv1d(in_channels=pretrained.shape[1], out_channels=n_filters,
                                              kernel_size=fs) for fs in filter_sizes])
        self.fc = nn.Linear(len(filter_sizes) * n_filters, output_dim)
        self.dropout = nn.Dropout(dropout)

    def forward(self, text):
        embedded = self.embedding(text)                       # [batch, sent len, emb dim]
        embedded = embedded.permute(0, 2, 1)                  # [batch, emb dim, sent len]
        conved = [F.relu(conv(embedded)) for conv in self.convs]
        pooled = [F.max_pool1d(conv, conv.shape[2]).squeeze(2) for conv in conved]
        cat = self.dropout(torch.cat(pooled, dim=1))
        return self.fc(cat)


cnn = KimCNN(pretrained, 4, [2, 3, 4], 1, 0.5, pad_idx)
print(cnn.embedding, cnn.embedding.weight.requires_grad, cnn.embedding.padding_idx)
print(sum(p.numel() for p in cnn.parameters() if p.requires_grad), sum(p.numel() for p in cnn.parameters()))
text = torch.randint(1, vocab_size, (16, 7))
text[::2, 5:] = pad_idx
labels = (text[:, 0] > 15).float()
opt = optim.Adam(filter(lambda p: p.requires_grad, cnn.parameters()), lr=0.01)
crit = nn.BCEWithLogitsLoss()


def binary_accuracy(preds, y):
    rounded_preds = torch.round(torch.sigmoid(preds))
    correct = (rounded_preds == y).float()
    return correct.sum() / len(correct)


for epoch in range(20):
    cnn.train()
    opt.zero_grad()
    predictions = cnn(text).squeeze(1)
    loss = crit(predictions, labels)
    acc = binary_accuracy(predictions, labels)
    loss.backward()
    opt.step()
    if epoch % 5 == 0:
        print(f"Epoch {epoch:02} | Train Loss: {loss.item():.3f} | Train Acc: {acc.item() * 100:.2f}%")
cnn.eval()
with torch.no_grad():
    prob = torch.sigmoid(cnn(text[:3]))
print(prob.shape, prob.squeeze(1).gt(0.5).tolist(), cnn.embedding.weight.grad)
conv = cnn.convs[1]
print(conv, conv(cnn.embedding(text).permute(0, 2, 1)).shape)
print(F.max_pool1d(torch.arange(12.).view(1, 2, 6), kernel_size=6), F.adaptive_max_pool1d(torch.arange(12.).view(1, 2, 6), 1).shape)
emb = nn.Embedding(5, 3, padding_idx=0)
out = emb(torch.tensor([[0, 2, 0, 4]]))
out.sum().backward()
print(emb.weight[0], emb.weight.grad[0], emb.weight.grad[2], emb)
e2 = nn.Embedding.from_pretrained(torch.eye(3), freeze=False)
print(e2, e2.weight.requires_grad, e2(torch.tensor([2, 0])))
try:
    emb(torch.tensor([5]))
except IndexError as e:
    print("IndexError:", e)
try:
    emb(torch.tensor([1.0]))
except RuntimeError as e:
    print("RuntimeError:", str(e).splitlines()[0])

# ---------------------------------------------------------------- alignment-free labelling with CTC
torch.manual_seed(3)
n_labels, blank = 6, 0                      # label 0 is the CTC blank
T, B = 12, 4
targets = torch.randint(1, n_labels, (B, 4), dtype=torch.long)
target_lengths = torch.tensor([4, 3, 2, 4])
input_lengths = torch.full(size=(B,), fill_value=T, dtype=torch.long)
input_lengths[2] = 9
frames = torch.randn(T, B, 8)
for b in range(B):                          # make each target's labels visible in the frames
    for i, lab in enumerate(targets[b, :target_lengths[b]].tolist()):
        frames[2 * i + 1:2 * i + 3, b, lab] += 3.0


class CTCTagger(nn.Module):
    def __init__(self, n_in, hidden, n_labels):
        super().__init__()
        self.rnn = nn.GRU(n_in, hidden, bidirectional=True)
        self.fc = nn.Linear(2 * hidden, n_labels)

    def forward(self, x):
        out, _ = self.rnn(x)
        return self.fc(out).log_softmax(2)


tagger = CTCTagger(8, 16, n_labels)
ctc_loss = nn.CTCLoss(blank=blank, zero_infinity=True)
print(ctc_loss, ctc_loss.reduction, ctc_loss.zero_infinity)
opt = optim.Adam(tagger.parameters(), lr=0.02)
for step in range(40):
    log_probs = tagger(frames)
    loss = ctc_loss(log_probs, targets, input_lengths, target_lengths)
    opt.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(tagger.parameters(), 5.0)
    opt.step()
    if step % 10 == 0:
        print(f"ctc step {step:2d} loss {loss.item():.4f}")
print(log_probs.shape, loss.grad_fn.name(), loss.grad_fn.next_functions[0][0].name())
per_seq = F.ctc_loss(log_probs, targets, input_lengths, target_lengths, reduction='none')
print(per_seq.shape, per_seq.grad_fn.name(), f"{per_seq.sum().item():.3f}")


def greedy_ctc_decode(log_probs, lengths):
    best = log_probs.argmax(dim=2).t()                  # (B, T)
    decoded = []
    for seq, n in zip(best, lengths):
        collapsed = torch.unique_consecutive(seq[:n])
        decoded.append([int(c) for c in collapsed if c != blank])
    return decoded


with torch.no_grad():
    print(greedy_ctc_decode(tagger(frames), input_lengths.tolist()))
print([targets[b, :n].tolist() for b, n in enumerate(target_lengths.tolist())])
flat_targets = torch.cat([targets[b, :n] for b, n in enumerate(target_lengths.tolist())])
print(flat_targets.shape, torch.allclose(F.ctc_loss(log_probs, flat_targets, input_lengths, target_lengths), loss))
short = torch.full((B,), 3, dtype=torch.long)
print(F.ctc_loss(log_probs.detach(), targets, short, target_lengths, reduction='none'))
try:
    F.ctc_loss(log_probs, targets, input_lengths + 1, target_lengths)
except RuntimeError as e:
    print("RuntimeError:", e)
