"""Legacy loss reduction arguments, as 0.4-era course code still passes them: size_average= and
reduce= on loss modules and on functional losses, with the UserWarnings torch prints for them
recorded and shown, plus sum-over-batch divided by hand (the old 'size_average=False' VAE idiom)."""
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.autograd import Variable

torch.manual_seed(1)
logits = torch.randn(6, 4)
target = torch.LongTensor([0, 3, 1, 1, 2, 0])
pred = torch.rand(6, 4)
real = torch.rand(6, 4)
binary = torch.bernoulli(torch.full((6, 4), 0.5))


def show(tag, value):
    if value.dim() == 0:
        print("{:28s} {:.4f}".format(tag, value.item()))
    else:
        print("{:28s} {} {}".format(tag, tuple(value.shape), torch.round(value * 1000).view(-1)[:6].tolist()))


def run(tag, fn):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        try:
            out = fn()
        except Exception as e:  # noqa: BLE001
            print(tag, "->", type(e).__name__, e)
            out = None
    if out is not None:
        show(tag, out)
    for m in w:
        print("   [{}] {}".format(m.category.__name__, str(m.message)))


run("MSELoss(size_average=False)", lambda: nn.MSELoss(size_average=False)(pred, real))
run("MSELoss(reduce=False)", lambda: nn.MSELoss(reduce=False)(pred, real))
run("L1Loss(size_average=True)", lambda: nn.L1Loss(size_average=True)(pred, real))
run("SmoothL1Loss(reduce=False,sa)", lambda: nn.SmoothL1Loss(size_average=True, reduce=False)(pred, real))
run("CrossEntropyLoss(sa=False)", lambda: nn.CrossEntropyLoss(size_average=False)(logits, target))
run("NLLLoss(reduce=False)", lambda: nn.NLLLoss(reduce=False)(F.log_softmax(logits, dim=1), target))
run("BCELoss(size_average=False)", lambda: nn.BCELoss(size_average=False)(pred, binary))
run("BCEWithLogits(reduce=True)", lambda: nn.BCEWithLogitsLoss(reduce=True)(logits, binary))
run("KLDivLoss(size_average=False)", lambda: nn.KLDivLoss(size_average=False)(F.log_softmax(logits, 1), F.softmax(real, 1)))
run("KLDivLoss()", lambda: nn.KLDivLoss()(F.log_softmax(logits, 1), F.softmax(real, 1)))
run("HingeEmbedding(sa=False)", lambda: nn.HingeEmbeddingLoss(size_average=False)(pred, binary * 2 - 1))
run("MultiLabelMargin(reduce=F)", lambda: nn.MultiLabelSoftMarginLoss(reduce=False)(logits, binary))
run("PoissonNLL(size_average=F)", lambda: nn.PoissonNLLLoss(size_average=False)(logits, real))
run("SoftMargin(reduce=False)", lambda: nn.SoftMarginLoss(reduce=False)(logits, binary * 2 - 1))
run("F.mse_loss(sa=False)", lambda: F.mse_loss(pred, real, size_average=False))
run("F.l1_loss(reduce=False)", lambda: F.l1_loss(pred, real, reduce=False))
run("F.binary_cross_entropy(sa)", lambda: F.binary_cross_entropy(pred, binary, size_average=False))
run("F.cross_entropy(reduce=F)", lambda: F.cross_entropy(logits, target, reduce=False))
run("F.nll_loss(sa=True)", lambda: F.nll_loss(F.log_softmax(logits, 1), target, size_average=True))
run("F.kl_div(reduction=mean)", lambda: F.kl_div(F.log_softmax(logits, 1), F.softmax(real, 1), reduction="mean"))
run("F.kl_div(sa=False)", lambda: F.kl_div(F.log_softmax(logits, 1), F.softmax(real, 1), size_average=False))
run("F.smooth_l1(reduce=False)", lambda: F.smooth_l1_loss(pred, real, reduce=False))
run("F.bce_logits(size_average)", lambda: F.binary_cross_entropy_with_logits(logits, binary, size_average=False))
run("MarginRanking(sa=False)", lambda: nn.MarginRankingLoss(margin=0.1, size_average=False)(pred[:, 0], real[:, 0], binary[:, 0] * 2 - 1))
run("CosineEmbedding(reduce=F)", lambda: nn.CosineEmbeddingLoss(reduce=False)(pred, real, binary[:, 0] * 2 - 1))
run("MultiMargin(sa=False)", lambda: nn.MultiMarginLoss(size_average=False)(logits, target))
run("TripletMargin(reduce=False)", lambda: nn.TripletMarginLoss(reduce=False)(pred, real, logits))
run("F.upsample legacy", lambda: F.upsample(pred.view(1, 1, 6, 4), scale_factor=2).sum())

crit = nn.MSELoss(size_average=False)
print(crit, crit.reduction)
print(nn.NLLLoss(reduce=False), nn.BCELoss(size_average=True, reduce=True).reduction)
print(nn.CrossEntropyLoss(size_average=False, reduce=False).reduction)

# VAE loss of the pytorch/examples era: BCE summed over the batch, then divided by hand
torch.manual_seed(2)
enc = nn.Linear(8, 4)
dec = nn.Linear(2, 8)
opt = torch.optim.Adam(list(enc.parameters()) + list(dec.parameters()), lr=1e-2)
data = torch.rand(16, 8)
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    for step in range(30):
        h = enc(Variable(data))
        mu, logvar = h[:, :2], h[:, 2:]
        std = logvar.mul(0.5).exp_()
        eps = Variable(std.data.new(std.size()).normal_())
        z = eps.mul(std).add_(mu)
        recon = F.sigmoid(dec(z))
        BCE = F.binary_cross_entropy(recon, Variable(data), size_average=False)
        KLD = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
        loss = (BCE + KLD) / data.size(0)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 10 == 0:
            print("step {:2d} loss {:.3f}".format(step, loss.item()))
