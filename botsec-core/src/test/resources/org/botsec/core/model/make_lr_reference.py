"""Independent reference optima for LogisticRegressionTest (numpy + scipy, no scikit-learn).

Minimises scikit-learn's LogisticRegression objective F = 0.5*||W||^2 + C * sum_i crossentropy_i (intercept
unpenalised) with scipy.optimize.minimize(method="L-BFGS-B") to a gradient tolerance of 1e-10, and writes
lr_reference.json. Run from this folder:  python3 make_lr_reference.py ../../../../../../main/resources/org/botsec/core/data/builtin
"""
import csv, json, math, re, sys
from collections import Counter
import numpy as np
from scipy.optimize import minimize
from scipy.special import logsumexp, expit
import scipy

root = sys.argv[1]

def fit(X, y, k, C=1.0):
    n, d = X.shape
    r = 1 if k == 2 else k
    Y = np.eye(k)[y]
    def f(theta):
        W = theta[:r * d].reshape(r, d); b = theta[r * d:]
        Z = X @ W.T + b
        if r == 1:
            z = Z[:, 0]
            loss = np.sum(np.logaddexp(0, z) - y * z)
            G = (expit(z) - y)[:, None]
        else:
            lse = logsumexp(Z, axis=1)
            loss = np.sum(lse - Z[np.arange(n), y])
            G = np.exp(Z - lse[:, None]) - Y
        G = C * G
        gW = G.T @ X + W
        gb = G.sum(axis=0)
        return 0.5 * np.sum(W * W) + C * loss, np.concatenate([gW.ravel(), gb])
    res = minimize(f, np.zeros(r * d + r), jac=True, method="L-BFGS-B",
                   options=dict(maxiter=100000, maxfun=200000, gtol=1e-10, ftol=1e-16, maxcor=30))
    g = f(res.x)[1]
    W = res.x[:r * d].reshape(r, d); b = res.x[r * d:]
    return W, b, float(np.max(np.abs(g))), int(res.nit)

out = {"generator": "make_lr_reference.py: numpy %s, scipy %s L-BFGS-B, gtol 1e-10" % (np.__version__, scipy.__version__)}

# breast_cancer, StandardScaler (ddof=0) on all rows, first 10 features (the SHAP golden case), C = 1
rows = list(csv.reader(open(root + "/breast_cancer/breast_cancer.csv")))
A = np.array([[float(v) for v in r] for r in rows[1:]])
X = A[:, :30]; y = A[:, 30].astype(int)
Xs = (X - X.mean(0)) / X.std(0)
W, b, gmax, nit = fit(Xs[:, :10], y, 2)
out["breast_cancer_10"] = dict(coef=W.tolist(), intercept=b.tolist(), grad_max=gmax, nit=nit)

# digits8x8 / 16, all 1,797 rows, multinomial, C = 1
rows = list(csv.reader(open(root + "/digits8x8/digits8x8.csv")))
A = np.array([[float(v) for v in r] for r in rows[1:]])
X = A[:, :64] / 16.0; y = A[:, 64].astype(int)
W, b, gmax, nit = fit(X, y, 10)
Z = X[:5] @ W.T + b
P = np.exp(Z - logsumexp(Z, axis=1)[:, None])
out["digits8x8"] = dict(coef=W.tolist(), intercept=b.tolist(), grad_max=gmax, nit=nit, proba_first5=P.tolist())

# sentiment_sentences with our own TF-IDF (sklearn defaults re-implemented), C = 1
rows = list(csv.DictReader(open(root + "/sentiment_sentences/sentiment_sentences.csv", encoding="utf-8")))
tok = re.compile(r"(?u)\b\w\w+\b")
docs = [tok.findall(r["text"].lower()) for r in rows]
y = np.array([int(r["label"]) for r in rows])
df = Counter(t for d in docs for t in set(d))
vocab = {t: j for j, t in enumerate(sorted(df))}
n = len(docs)
idf = np.array([math.log((1 + n) / (1 + df[t])) + 1 for t in sorted(df)])
def vec(tokens):
    v = np.zeros(len(vocab))
    for t, c in Counter(tokens).items():
        if t in vocab:
            v[vocab[t]] = c * idf[vocab[t]]
    nv = np.linalg.norm(v)
    return v / nv if nv > 0 else v
X = np.array([vec(d) for d in docs])
W, b, gmax, nit = fit(X, y, 2)
x = vec(tok.findall("the movie was awesome!"))
p = float(expit(x @ W[0] + b[0]))
out["sentiment"] = dict(vocabulary_size=len(vocab), intercept=b.tolist(), grad_max=gmax, nit=nit,
                        p_positive_awesome=p)
json.dump(out, open("lr_reference.json", "w"), indent=1)
print(out["sentiment"], out["breast_cancer_10"]["grad_max"], out["digits8x8"]["grad_max"], out["digits8x8"]["nit"])
